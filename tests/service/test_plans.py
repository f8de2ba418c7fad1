"""Staff create, edit, close and archive plans; a moved window tells exactly the people it concerns, once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core import menu
from core.db import Database
from core.db.models import AuditEntry, Institution, Notice, OutboxMessage, Plan, Profile, Registration, User
from core.errors import Conflict, InvalidInput, NotAllowed
from core.plans import service as plans
from core.plans.service import parse_plan_draft

TZ = ZoneInfo("Asia/Shanghai")
STAFF = 900001
STAFF_IDS = frozenset({STAFF})
NOW = datetime(2026, 8, 1, 10, tzinfo=TZ)
FIELDS = {
    "plan_no": "2026120000000019",
    "name": "2026年技能人才评价考评员培训",
    "occupations": "电工、焊工",
    "registration_start": "2026-07-30",
    "registration_end": "2026-08-16",
    "study_start": "2026-07-30",
    "study_end": "2026-08-27",
}


async def create(db: Database, **changes: str) -> plans.PlanView:
    return await plans.create_plan(
        db, STAFF, STAFF_IDS, parse_plan_draft({**FIELDS, **changes}), now=NOW, tz=TZ
    )


COMPLETE = {
    "id_type": "居民身份证",
    "gender": "男",
    "birth_date": date(1985, 1, 1),
    "education": "本科",
    "mobile": "13800000000",
    "email": "kaosheng@example.com",
    "postcode": "230001",
    "region": "省直",
    "category": "企业职工",
    "address": "合肥市",
}


async def candidate(db: Database, telegram_id: int, plan_id: int | None, status: str = "draft") -> int:
    """A candidate with a complete profile and, optionally, a registration for the plan."""
    async with db.uow() as uow:
        institution = await uow.session.scalar(select(Institution))
        if institution is None:
            institution = Institution(
                name="安徽建工集团", uscc="91340000000000001A", kind="central_branch", filing_status="filed"
            )
            uow.session.add(institution)
        user = User(telegram_id=telegram_id, first_name=f"考生{telegram_id}")
        uow.session.add(user)
        await uow.session.flush()
        uow.session.add(
            Profile(
                user_id=user.id,
                name=f"考生{telegram_id}",
                id_number=f"34010219850101{telegram_id:04d}",
                institution_id=institution.id,
                **COMPLETE,
            )
        )
        if plan_id is not None:
            uow.session.add(Registration(user_id=user.id, plan_id=plan_id, status=status, occupation="电工"))
        await uow.commit()
        return user.id


async def test_staff_create_a_plan_candidates_then_see(db: Database) -> None:
    view = await create(db)
    assert (view.plan_no, view.phase, view.registrations) == ("2026120000000019", "open", 0)
    assert [p.plan_no for p in await menu.published_plans(db)] == ["2026120000000019"]
    async with db.uow() as uow:
        assert await uow.session.scalar(select(AuditEntry.action)) == "plan.create"


async def test_only_staff_manage_plans(db: Database) -> None:
    with pytest.raises(NotAllowed):
        await plans.create_plan(db, 42, STAFF_IDS, parse_plan_draft(FIELDS))
    view = await create(db)
    with pytest.raises(NotAllowed):
        await plans.update_plan(db, 42, STAFF_IDS, view.id, {"name": "改个名字试试看"})
    with pytest.raises(NotAllowed):
        await plans.list_plans(db, 42, STAFF_IDS)


async def test_a_duplicate_plan_number_is_refused_even_in_a_race(db: Database) -> None:
    await plans.list_plans(db, STAFF, STAFF_IDS)  # the staff member has written before
    results = await asyncio.gather(create(db), create(db), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "PlanView"]
    with pytest.raises(Conflict) as caught:
        await create(db, name="另一个计划名称")
    assert caught.value.params["field"] == "plan_no"
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Plan)) == 1


async def test_an_edit_is_validated_as_a_whole_and_nothing_half_saved(db: Database) -> None:
    view = await create(db)
    with pytest.raises(InvalidInput):
        await plans.update_plan(
            db, STAFF, STAFF_IDS, view.id, {"name": "新的计划名称", "registration_end": "2026-07-01"}
        )
    again = await plans.get_plan(db, STAFF, STAFF_IDS, view.id, now=NOW, tz=TZ)
    assert again.name == FIELDS["name"]
    change = await plans.update_plan(db, STAFF, STAFF_IDS, view.id, {"name": "新的计划名称"}, now=NOW, tz=TZ)
    assert (change.plan.name, change.moved, change.told) == ("新的计划名称", (), 0)


async def test_moving_registration_close_tells_those_still_registering_once(db: Database) -> None:
    view = await create(db)
    drafting = await candidate(db, 1001, view.id, "draft")
    await candidate(db, 1002, view.id, "submitted")
    await candidate(db, 1003, None)
    change = await plans.update_plan(
        db, STAFF, STAFF_IDS, view.id, {"registration_end": "2026-08-18"}, now=NOW, tz=TZ
    )
    assert change.moved == ("registration",)
    async with db.uow() as uow:
        rows = (await uow.session.execute(select(OutboxMessage.user_id, OutboxMessage.text))).all()
        notice_kinds = (await uow.session.scalars(select(Notice.kind))).all()
    told = {user_id for user_id, _ in rows}
    assert drafting in told and len(rows) == change.told == 2  # the draft and the one with no registration
    assert all("2026年8月18日" in text for _, text in rows)
    assert notice_kinds == ["plan_change"]
    unchanged = await plans.update_plan(
        db, STAFF, STAFF_IDS, view.id, {"registration_end": "2026-08-18"}, now=NOW, tz=TZ
    )
    assert (unchanged.moved, unchanged.told) == ((), 0)


async def test_closed_and_archived_plans_leave_the_candidate_list_and_keep_records(db: Database) -> None:
    view = await create(db)
    await candidate(db, 1001, view.id, "approved")
    closed = await plans.close_plan(db, STAFF, STAFF_IDS, view.id, now=NOW, tz=TZ)
    assert closed.phase == "closed" and await menu.published_plans(db) == []
    with pytest.raises(Conflict):
        await plans.close_plan(db, STAFF, STAFF_IDS, view.id)
    archived = await plans.archive_plan(db, STAFF, STAFF_IDS, view.id, now=NOW, tz=TZ)
    assert archived.phase == "archived" and archived.counts["approved"] == 1
    assert await plans.list_plans(db, STAFF, STAFF_IDS, now=NOW, tz=TZ) == []
    listed = await plans.list_plans(db, STAFF, STAFF_IDS, now=NOW, tz=TZ, include_archived=True)
    assert [p.phase for p in listed] == ["archived"]
    with pytest.raises(Conflict):
        await plans.update_plan(db, STAFF, STAFF_IDS, view.id, {"name": "归档后再改名字"})
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Registration)) == 1


async def test_plans_are_listed_open_then_upcoming_with_counts_by_stage(db: Database) -> None:
    current = await create(db)
    await create(
        db,
        plan_no="2027120000000001",
        name="2027年技能人才评价考评员培训",
        registration_start="2027-07-30",
        registration_end="2027-08-16",
        study_start="2027-07-30",
        study_end="2027-08-27",
    )
    await candidate(db, 1001, current.id, "submitted")
    await candidate(db, 1002, current.id, "approved")
    listed = await plans.list_plans(db, STAFF, STAFF_IDS, now=NOW, tz=TZ)
    assert [(p.phase, p.registrations) for p in listed] == [("open", 2), ("upcoming", 0)]
    assert listed[0].counts["submitted"] == listed[0].counts["approved"] == 1
    assert listed[1].draft.registration_start == date(2027, 7, 30)


async def test_moving_the_study_window_tells_approved_candidates_still_studying(db: Database) -> None:
    view = await create(db)
    approved = await candidate(db, 1001, view.id, "approved")
    await candidate(db, 1002, view.id, "draft")
    change = await plans.update_plan(
        db, STAFF, STAFF_IDS, view.id, {"study_end": "2026-08-30"}, now=NOW, tz=TZ
    )
    async with db.uow() as uow:
        rows = (await uow.session.execute(select(OutboxMessage.user_id, OutboxMessage.text))).all()
    assert (change.moved, [user_id for user_id, _ in rows]) == (("study",), [approved])
    assert "在线学习与考核时间改为" in rows[0][1] and "2026年8月30日" in rows[0][1]


async def test_a_window_moved_wholly_in_the_past_tells_nobody(db: Database) -> None:
    view = await create(db)
    await candidate(db, 1001, view.id, "draft")
    later = datetime(2026, 9, 10, tzinfo=TZ)
    change = await plans.update_plan(
        db, STAFF, STAFF_IDS, view.id, {"registration_end": "2026-08-15"}, now=later, tz=TZ
    )
    assert (change.moved, change.told) == (("registration",), 0)
