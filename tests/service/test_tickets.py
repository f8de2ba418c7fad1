"""Admission tickets and check-in: the PDF shows who and where; each ticket checks in once, in its batch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import BatchAssignment
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.offline.batches import assign
from core.offline.ticket_numbers import new_ticket_number
from core.offline.tickets import absentees, check_in, my_ticket, open_checkin
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import (
    PLAN_NO,
    STAFF,
    STAFF_IDS,
    TZ,
    make_candidate,
    make_plan,
    pdf_page_png,
    pdf_text,
    seated_batch,
    ticket_of,
)


async def _two_batches(db: Database) -> tuple[int, int]:
    plan = await make_plan(db)
    for i, name in enumerate(("张三", "李四", "王五")):
        await make_candidate(db, 1001 + i, name, plan)
    first = await seated_batch(db, plan, capacity=2)
    second = await seated_batch(db, plan, capacity=2, day="2026-09-06")
    await assign(db, STAFF, STAFF_IDS, first)
    await assign(db, STAFF, STAFF_IDS, second)
    return first, second


async def test_the_ticket_pdf_shows_photo_name_masked_id_batch_time_place_and_number(db: Database) -> None:
    await _two_batches(db)
    ticket = await my_ticket(db, TelegramIdentity(1001), TZ, "安徽省职业技能鉴定中心")
    text = pdf_text(ticket.pdf)
    for expected in (
        "张三",
        "340***********",
        "第1期线下培训",
        "合肥市黄山路100号",
        ticket.ticket_no,
        PLAN_NO,
        "09:00",
    ):
        assert expected.replace("*", "") in text.replace("*", ""), expected
    assert "19850615" not in text
    assert pdf_page_png(ticket.pdf).startswith(b"\x89PNG")


async def test_no_ticket_before_a_seat(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 1001, "张三", plan)
    with pytest.raises(NotAllowed) as caught:
        await my_ticket(db, TelegramIdentity(1001), TZ, "安徽省职业技能鉴定中心")
    assert caught.value.key == "offline.ticket.no_seat"


async def test_check_in_marks_attendance_once_and_lists_the_absent(db: Database) -> None:
    first, _ = await _two_batches(db)
    await open_checkin(db, STAFF, STAFF_IDS, first)
    code = await ticket_of(db, 1001)
    done = await check_in(db, STAFF, STAFF_IDS, code.replace("-", " "), TZ)
    assert (done.name, done.present) == ("张三", 1)
    with pytest.raises(Conflict) as caught:
        await check_in(db, STAFF, STAFF_IDS, code, TZ)
    assert caught.value.key == "offline.checkin.again"
    _, missing = await absentees(db, STAFF, STAFF_IDS, None)
    assert [a.name for a in missing] == ["李四"]


async def test_a_ticket_of_another_batch_or_none_at_all_is_refused_and_changes_nothing(db: Database) -> None:
    first, _ = await _two_batches(db)
    await open_checkin(db, STAFF, STAFF_IDS, first)
    with pytest.raises(Conflict) as other:
        await check_in(db, STAFF, STAFF_IDS, await ticket_of(db, 1003), TZ)
    assert other.value.key == "offline.checkin.other_batch"
    with pytest.raises(NotFound):
        await check_in(db, STAFF, STAFF_IDS, new_ticket_number(PLAN_NO, 7, 1), TZ)
    with pytest.raises(InvalidInput):
        await check_in(db, STAFF, STAFF_IDS, "123456-01-0001-9", TZ)
    async with db.uow() as uow:
        present = (await uow.session.scalars(select(BatchAssignment.checked_in_at))).all()
    assert present == [None, None, None]


async def test_check_in_needs_staff_and_an_open_batch(db: Database) -> None:
    await _two_batches(db)
    code = await ticket_of(db, 1001)
    with pytest.raises(NotAllowed) as no_batch:
        await check_in(db, STAFF, STAFF_IDS, code, TZ)
    assert no_batch.value.key == "offline.checkin.no_batch"
    with pytest.raises(NotAllowed):
        await check_in(db, TelegramIdentity(1002), STAFF_IDS, code, TZ)
