"""Online study (培训学习): the course, server-clock credit per module, and progress towards the quiz."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import CourseModule, StudySession
from core.errors import Conflict, NotAllowed, NotFound
from core.study.course import plan_modules
from core.study.credit import credit_for_session, module_done, study_refusal, total_credit
from core.study.enrolment import Enrolment, find_enrolment

ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class ModuleProgress:
    """One module as the candidate's course list shows it."""

    id: int
    code: str
    area: str
    title: str
    minutes: int
    credited_minutes: int
    done: bool
    is_open: bool


@dataclass(frozen=True, slots=True)
class StudyOverview:
    """Where the candidate stands: modules, minutes credited and whether the quiz is open to them."""

    plan_name: str
    window_state: str
    first_day: date
    last_day: date
    modules: tuple[ModuleProgress, ...]
    credited_minutes: int
    required_minutes: int

    @property
    def remaining_minutes(self) -> int:
        """Minutes still to study before the quiz opens."""
        return max(self.required_minutes - self.credited_minutes, 0)

    @property
    def quiz_unlocked(self) -> bool:
        """Whether enough time is credited for the quiz."""
        return self.credited_minutes >= self.required_minutes


@dataclass(frozen=True, slots=True)
class ModuleView:
    """An opened module: its text, and what opening it did to a module left open before."""

    id: int
    title: str
    area: str
    minutes: int
    body: str
    document_name: str | None
    document_url: str | None
    credited_minutes: int
    done: bool
    left_open_title: str | None


@dataclass(frozen=True, slots=True)
class FinishResult:
    """What marking a module finished credited, and the totals after it."""

    title: str
    credited_now_minutes: int
    module_minutes: int
    module_credited_minutes: int
    credited_minutes: int
    required_minutes: int

    @property
    def quiz_unlocked(self) -> bool:
        """Whether this finish reached the required time."""
        return self.credited_minutes >= self.required_minutes


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


async def _credits(session: AsyncSession, registration_id: int) -> dict[int, timedelta]:
    """Credit per module so far, from every closed session."""
    credited: dict[int, timedelta] = defaultdict(lambda: ZERO)
    rows = await session.execute(
        select(StudySession.module_id, StudySession.credited_seconds).where(
            StudySession.registration_id == registration_id
        )
    )
    for module_id, seconds in rows:
        credited[module_id] += timedelta(seconds=seconds)
    return credited


async def credited_minutes(session: AsyncSession, registration_id: int) -> int:
    """Whole minutes credited to a registration across all modules (the quiz needs the full time)."""
    return total_credit((await _credits(session, registration_id)).values())


async def _open_session(session: AsyncSession, registration_id: int) -> StudySession | None:
    return await session.scalar(
        select(StudySession).where(
            StudySession.registration_id == registration_id, StudySession.closed_at.is_(None)
        )
    )


async def _module_of(session: AsyncSession, plan_id: int, module_id: int) -> CourseModule:
    """A module of the plan's course, refusing one of another plan's or one retired."""
    module = next((m for m in await plan_modules(session, plan_id) if m.id == module_id), None)
    if module is None:
        raise NotFound("study.no_such_module")
    return module


def _require_open_window(enrolment: Enrolment, now: datetime) -> None:
    refused = study_refusal(enrolment.window, now)
    if refused is not None:
        raise NotAllowed(refused, start=enrolment.window.first_day, end=enrolment.window.last_day)


async def overview(db: Database, telegram_id: int, *, now: datetime, tz: ZoneInfo) -> StudyOverview:
    """Show the course with each module's credit, the total and what is left."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        credits = await _credits(session, enrolment.registration_id)
        opened = await _open_session(session, enrolment.registration_id)
        modules = tuple(
            ModuleProgress(
                id=m.id,
                code=m.code,
                area=m.area,
                title=m.title,
                minutes=m.minutes,
                credited_minutes=_minutes(credits[m.id]),
                done=module_done(credits[m.id], m.minutes),
                is_open=opened is not None and opened.module_id == m.id,
            )
            for m in await plan_modules(session, enrolment.plan_id)
        )
        return StudyOverview(
            plan_name=enrolment.plan_name,
            window_state=enrolment.window.state(now),
            first_day=enrolment.window.first_day,
            last_day=enrolment.window.last_day,
            modules=modules,
            credited_minutes=total_credit(credits.values()),
            required_minutes=enrolment.required_minutes,
        )


async def open_module(
    db: Database, telegram_id: int, module_id: int, *, now: datetime, tz: ZoneInfo
) -> ModuleView:
    """Start the clock on a module; a module left open before stops without credit (one at a time)."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        _require_open_window(enrolment, now)
        module = await _module_of(session, enrolment.plan_id, module_id)
        left_open_title: str | None = None
        previous = await _open_session(session, enrolment.registration_id)
        if previous is not None:
            previous.closed_at, previous.outcome = now, "switched"
            if previous.module_id != module.id:
                earlier = await session.get(CourseModule, previous.module_id)
                left_open_title = earlier.title if earlier is not None else None
        session.add(
            StudySession(registration_id=enrolment.registration_id, module_id=module.id, opened_at=now)
        )
        credits = await _credits(session, enrolment.registration_id)
        view = ModuleView(
            id=module.id,
            title=module.title,
            area=module.area,
            minutes=module.minutes,
            body=module.body,
            document_name=module.document_name,
            document_url=module.document_url,
            credited_minutes=_minutes(credits[module.id]),
            done=module_done(credits[module.id], module.minutes),
            left_open_title=left_open_title,
        )
        await uow.commit()
    return view


async def finish_module(
    db: Database, telegram_id: int, module_id: int, *, now: datetime, tz: ZoneInfo
) -> FinishResult:
    """Close the open module and credit the server-clock time inside the window, capped at its minutes."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        opened = await _open_session(session, enrolment.registration_id)
        if opened is None or opened.module_id != module_id:
            raise Conflict("study.not_open")
        module = await session.get(CourseModule, module_id)
        if module is None:
            raise NotFound("study.no_such_module")
        credits = await _credits(session, enrolment.registration_id)
        earned = credit_for_session(
            opened.opened_at, now, module.minutes, credits[module.id], enrolment.window
        )
        opened.closed_at, opened.outcome = now, "finished"
        opened.credited_seconds = int(earned.total_seconds())
        credits[module.id] += timedelta(seconds=opened.credited_seconds)
        result = FinishResult(
            title=module.title,
            credited_now_minutes=_minutes(earned),
            module_minutes=module.minutes,
            module_credited_minutes=_minutes(credits[module.id]),
            credited_minutes=total_credit(credits.values()),
            required_minutes=enrolment.required_minutes,
        )
        await uow.commit()
    return result
