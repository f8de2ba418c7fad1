"""The main menu, greeting and the programme's standing information (考生须知, 联系我们)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import Database, dialogs
from core.db.models import Plan
from core.onboarding import Checklist, Opening, checklist, registration_opening
from core.people.users import TelegramIdentity, ensure_user, is_staff

# The portal's menu, in the order candidates know it; labels live in the catalogue under menu.item.<key>.
MENU_ITEMS: tuple[str, ...] = (
    "profile",
    "notice",
    "registration",
    "study",
    "results",
    "ticket",
    "mailing",
    "archive",
    "certificate",
    "contact",
    "mydata",  # the person's own data: see, export, ask for erasure (core/privacy/service.py)
)


@dataclass(frozen=True, slots=True)
class Greeting:
    """What /start needs to say hello appropriately."""

    first_name: str
    is_staff: bool
    # staff: what the programme still lacks; others: whether and when registration opens
    setup: Checklist | None = None
    opening: Opening | None = None


@dataclass(frozen=True, slots=True)
class PlanDates:
    """A published plan's dates as shown to candidates."""

    plan_no: str
    name: str
    registration_start: date
    registration_end: date
    study_start: date
    study_end: date
    required_study_minutes: int
    max_quiz_attempts: int
    pass_score: int


async def greet(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    *,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
) -> Greeting:
    """Record the visit and leave any unfinished flow (its saved answers stay) so the menu starts clean.

    Given the time, staff also get the setup checklist and everyone else learns whether registration is open.
    """
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        await dialogs.clear(uow.session, user.id)
        staff = await is_staff(uow.session, who.telegram_id, staff_ids)
        setup = opening = None
        if now is not None and tz is not None:
            if staff:
                setup = await checklist(uow.session)
            else:
                opening = await registration_opening(uow.session, now, tz)
        await uow.commit()
    return Greeting(first_name=who.first_name, is_staff=staff, setup=setup, opening=opening)


async def published_plans(db: Database) -> list[PlanDates]:
    """List the plans candidates can see, newest registration first."""
    async with db.uow() as uow:
        plans = await uow.session.scalars(
            select(Plan).where(Plan.status == "published").order_by(Plan.registration_start.desc())
        )
        return [
            PlanDates(
                plan_no=p.plan_no,
                name=p.name,
                registration_start=p.registration_start,
                registration_end=p.registration_end,
                study_start=p.study_start,
                study_end=p.study_end,
                required_study_minutes=p.required_study_minutes,
                max_quiz_attempts=p.max_quiz_attempts,
                pass_score=p.pass_score,
            )
            for p in plans
        ]


async def leave_flow(db: Database, who: TelegramIdentity) -> bool:
    """Leave whatever flow the user is in; return whether there was one."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        state = await dialogs.load(uow.session, user.id)
        await dialogs.clear(uow.session, user.id)
        await uow.commit()
    return state is not None
