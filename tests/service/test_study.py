"""Online study on a real database: honest server-clock credit, one module at a time, staff course import."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import CourseModule, StudySession
from core.errors import Conflict, InvalidInput, NotAllowed
from core.study import course
from core.study import service as study
from tests.e2e.study_factories import SHANGHAI, FakeClock, make_candidate, make_plan

STAFF = frozenset({900001})


async def _first_modules(db: Database, telegram_id: int, clock: FakeClock) -> list[study.ModuleProgress]:
    return list((await study.overview(db, telegram_id, now=clock(), tz=SHANGHAI)).modules)


async def test_the_sample_course_covers_both_areas_and_totals_180_minutes(db: Database) -> None:
    plan = await make_plan(db)
    who = await make_candidate(db, 501, plan)
    view = await study.overview(db, who.telegram_id, now=FakeClock()(), tz=SHANGHAI)
    assert sum(m.minutes for m in view.modules) == 180
    assert {m.area for m in view.modules} == {"政策法规与职业道德", "考评要点、方法和技巧"}
    assert view.credited_minutes == 0 and view.remaining_minutes == 180 and not view.quiz_unlocked


async def test_a_candidate_not_yet_approved_cannot_study(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 502, plan, status="submitted")
    with pytest.raises(NotAllowed) as refused:
        await study.overview(db, 502, now=FakeClock()(), tz=SHANGHAI)
    assert refused.value.key == "study.not_approved"


async def test_credit_is_the_time_between_opening_and_finishing(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 503, plan)
    clock = FakeClock()
    module = (await _first_modules(db, 503, clock))[0]
    await study.open_module(db, 503, module.id, now=clock(), tz=SHANGHAI)
    clock.advance(minutes=20, seconds=30)
    done = await study.finish_module(db, 503, module.id, now=clock(), tz=SHANGHAI)
    assert done.credited_now_minutes == 20 and done.credited_minutes == 20


async def test_credit_is_capped_at_the_module_length_and_reopening_adds_nothing(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 504, plan)
    clock = FakeClock()
    module = (await _first_modules(db, 504, clock))[0]
    await study.open_module(db, 504, module.id, now=clock(), tz=SHANGHAI)
    clock.advance(hours=2)
    first = await study.finish_module(db, 504, module.id, now=clock(), tz=SHANGHAI)
    assert first.module_credited_minutes == 30
    reopened = await study.open_module(db, 504, module.id, now=clock(), tz=SHANGHAI)
    assert reopened.done
    clock.advance(minutes=40)
    again = await study.finish_module(db, 504, module.id, now=clock(), tz=SHANGHAI)
    assert again.credited_now_minutes == 0 and again.credited_minutes == 30


async def test_only_one_module_is_open_at_a_time(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 505, plan)
    clock = FakeClock()
    first, second = (await _first_modules(db, 505, clock))[:2]
    await study.open_module(db, 505, first.id, now=clock(), tz=SHANGHAI)
    clock.advance(minutes=10)
    switched = await study.open_module(db, 505, second.id, now=clock(), tz=SHANGHAI)
    assert switched.left_open_title == first.title
    clock.advance(minutes=10)
    with pytest.raises(Conflict):
        await study.finish_module(db, 505, first.id, now=clock(), tz=SHANGHAI)
    done = await study.finish_module(db, 505, second.id, now=clock(), tz=SHANGHAI)
    assert done.credited_minutes == 10


async def test_no_credit_outside_the_study_window(db: Database) -> None:
    plan = await make_plan(db, study_days=(-3, 0))
    await make_candidate(db, 506, plan)
    clock = FakeClock()
    module = (await _first_modules(db, 506, clock))[0]
    today = clock().astimezone(SHANGHAI).date()
    close = datetime.combine(today + timedelta(days=1), time(0), SHANGHAI)
    clock.now = close - timedelta(minutes=10)
    await study.open_module(db, 506, module.id, now=clock(), tz=SHANGHAI)
    clock.advance(minutes=25)
    done = await study.finish_module(db, 506, module.id, now=clock(), tz=SHANGHAI)
    assert done.credited_now_minutes == 10
    with pytest.raises(NotAllowed) as refused:
        await study.open_module(db, 506, module.id, now=clock(), tz=SHANGHAI)
    assert refused.value.key == "study.window_closed"


async def test_staff_import_a_course_and_a_bad_file_changes_nothing(db: Database) -> None:
    plan = await make_plan(db, with_content=False)
    good = "编号,内容板块,标题,时长（分钟）,正文\nX1,政策,新单元,45,内容\n".encode()
    with pytest.raises(NotAllowed):
        await course.import_course(db, 1, STAFF, plan, good, "c.csv")
    summary = await course.import_course(db, 900001, STAFF, plan, good, "c.csv")
    assert (summary.added, summary.total_minutes) == (1, 45)
    bad = "编号,标题,时长（分钟）,正文,资料链接\nX1,新单元,30,内容,ftp://x\nX1,重复,30,内容,\n".encode()
    with pytest.raises(InvalidInput) as refused:
        await course.import_course(db, 900001, STAFF, plan, bad, "c.csv")
    assert refused.value.key == "study.import.rows_invalid" and refused.value.params["count"] == 2
    assert "第 2 行「资料链接」" in refused.value.params["details"]
    assert "第 3 行「编号」：与第 2 行重复" in refused.value.params["details"]
    zero = "编号,标题,时长（分钟）,正文\nX1,新单元,0,内容\n".encode()
    with pytest.raises(InvalidInput) as refused:
        await course.import_course(db, 900001, STAFF, plan, zero, "c.csv")
    assert "时长" in str(refused.value.params["details"])
    with pytest.raises(InvalidInput):
        await course.import_course(db, 900001, STAFF, plan, b"[[module]]\ncode = ", "c.toml")
    async with db.uow() as uow:
        rows = (await uow.session.scalars(select(CourseModule))).all()
        assert [(r.code, r.minutes) for r in rows] == [("X1", 45)]
        assert await uow.session.scalar(select(func.count()).select_from(StudySession)) == 0
