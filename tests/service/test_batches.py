"""Offline batches: created by staff, filled with candidates who passed online, never beyond capacity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import BatchAssignment
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.offline.batches import assign, create_batch, list_batches, passed_quiz
from core.offline.ticket_numbers import is_valid_ticket_number
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import (
    PLAN_NO,
    STAFF,
    STAFF_IDS,
    TODAY,
    make_candidate,
    make_institution,
    make_plan,
    seated_batch,
)


async def _seats(db: Database) -> int:
    async with db.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(BatchAssignment)) or 0)


async def test_staff_create_a_one_day_batch_with_date_time_place_and_capacity(db: Database) -> None:
    await make_plan(db)
    view = await create_batch(
        db, STAFF, STAFF_IDS, [PLAN_NO, "2026-09-05", "9:30", "40", "合肥市", "黄山路100号"], TODAY
    )
    assert (view.name, view.start_time, view.place, view.capacity, view.assigned) == (
        "第1期线下培训",
        "09:30",
        "合肥市 黄山路100号",
        40,
        0,
    )
    assert [b.id for b in await list_batches(db, STAFF, STAFF_IDS)] == [view.id]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ([PLAN_NO, "2026-13-40", "09:00", "40", "合肥"], "offline.batch.bad_day"),
        ([PLAN_NO, "2026-08-01", "09:00", "40", "合肥"], "offline.batch.day_past"),
        ([PLAN_NO, "2026-09-05", "25:00", "40", "合肥"], "offline.batch.bad_time"),
        ([PLAN_NO, "2026-09-05", "09:00", "0", "合肥"], "offline.batch.bad_capacity"),
        ([PLAN_NO, "2026-09-05", "09:00"], "offline.batch.usage"),
    ],
)
async def test_a_bad_batch_is_refused_and_nothing_is_created(db: Database, args: list[str], key: str) -> None:
    await make_plan(db)
    with pytest.raises(InvalidInput) as caught:
        await create_batch(db, STAFF, STAFF_IDS, args, TODAY)
    assert caught.value.key == key
    assert await list_batches(db, STAFF, STAFF_IDS) == []


async def test_candidates_cannot_create_batches(db: Database) -> None:
    await make_plan(db)
    with pytest.raises(NotAllowed):
        await create_batch(
            db, TelegramIdentity(1001), STAFF_IDS, [PLAN_NO, "2026-09-05", "09:00", "4", "合肥"], TODAY
        )


async def test_only_passers_count_and_in_the_order_they_passed(db: Database) -> None:
    plan = await make_plan(db)
    late = await make_candidate(db, 1001, "张三", plan, score=92, passed_at=datetime(2026, 8, 21, tzinfo=UTC))
    early = await make_candidate(
        db, 1002, "李四", plan, score=90, passed_at=datetime(2026, 8, 20, tzinfo=UTC)
    )
    await make_candidate(db, 1003, "王五", plan, score=89)
    await make_candidate(db, 1004, "赵六", plan, score=None)
    async with db.uow() as uow:
        passed = await passed_quiz(uow.session, plan)
    assert [p.registration_id for p in passed] == [early, late]


async def test_assignment_in_order_of_passing_fills_the_free_seats_and_leaves_the_rest_waiting(
    db: Database,
) -> None:
    plan = await make_plan(db)
    for i in range(5):
        await make_candidate(db, 1001 + i, f"考生{'甲乙丙丁戊'[i]}", plan)
    batch = await seated_batch(db, plan, capacity=3)
    report = await assign(db, STAFF, STAFF_IDS, batch)
    assert [s.telegram_id for s in report.seated] == [1001, 1002, 1003]
    assert report.still_waiting == 2 and report.batch.assigned == 3
    assert all(is_valid_ticket_number(s.ticket_no) for s in report.seated)
    assert len({s.ticket_no for s in report.seated}) == 3


async def test_assigning_to_a_full_batch_is_refused_and_changes_nothing(db: Database) -> None:
    plan = await make_plan(db)
    for i in range(3):
        await make_candidate(db, 1001 + i, f"考生{'甲乙丙'[i]}", plan)
    batch = await seated_batch(db, plan, capacity=2)
    await assign(db, STAFF, STAFF_IDS, batch)
    with pytest.raises(Conflict) as caught:
        await assign(db, STAFF, STAFF_IDS, batch)
    assert caught.value.key == "rules.batch.full"
    assert await _seats(db) == 2


async def test_an_institution_too_big_for_the_free_seats_is_refused_whole(db: Database) -> None:
    plan = await make_plan(db)
    big = await make_institution(db, "国网安徽省电力有限公司", 1)
    small = await make_institution(db, "安徽省建设行业评价协会", 2)
    for i in range(3):
        await make_candidate(db, 1001 + i, f"电工{'甲乙丙'[i]}", plan, institution_id=big)
    await make_candidate(db, 1010, "建工甲", plan, institution_id=small)
    batch = await seated_batch(db, plan, capacity=2)
    with pytest.raises(Conflict) as caught:
        await assign(db, STAFF, STAFF_IDS, batch, "国网安徽省电力有限公司")
    assert caught.value.params == {"count": 3, "free": 2}
    assert await _seats(db) == 0
    report = await assign(db, STAFF, STAFF_IDS, batch, "安徽省建设行业评价协会")
    assert [s.name for s in report.seated] == ["建工甲"]


async def test_nobody_waiting_and_unknown_batches_are_explained(db: Database) -> None:
    plan = await make_plan(db)
    batch = await seated_batch(db, plan)
    with pytest.raises(NotFound) as caught:
        await assign(db, STAFF, STAFF_IDS, batch)
    assert caught.value.key == "offline.batch.nobody_waiting"
    with pytest.raises(NotFound):
        await assign(db, STAFF, STAFF_IDS, batch + 99)
    with pytest.raises(NotFound):
        await assign(db, STAFF, STAFF_IDS, batch, "没有这个机构")
