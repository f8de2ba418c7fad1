"""First steps on a new deployment: what staff still have to set up, what candidates are told meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import BankQuestion, Batch, BlueprintEntry, CourseModule, Institution, Plan
from core.plans.windows import Window

# the order a programme is set up in; each item names what is missing until it exists
SETUP_ITEMS: tuple[str, ...] = ("institutions", "plan", "course", "bank", "blueprint", "batches")


@dataclass(frozen=True, slots=True)
class SetupItem:
    """One thing a programme needs, and how many of it exist."""

    key: str
    count: int

    @property
    def done(self) -> bool:
        """Something exists."""
        return self.count > 0


@dataclass(frozen=True, slots=True)
class Checklist:
    """The setup items in order."""

    items: tuple[SetupItem, ...]

    @property
    def complete(self) -> bool:
        """Every item exists: the checklist need not be shown any more."""
        return all(item.done for item in self.items)


@dataclass(frozen=True, slots=True)
class Opening:
    """What a candidate is told about registration: open now, opening on a day, or nothing scheduled."""

    open_now: bool
    opens_on: date | None
    plan_name: str | None


async def _count(session: AsyncSession, query: Select[Any]) -> int:
    return int(await session.scalar(query) or 0)


async def checklist(session: AsyncSession) -> Checklist:
    """Count what exists of each setup item (only published plans' blueprints and batches count)."""
    live = Plan.status == "published"
    counts: dict[str, Select[Any]] = {
        "institutions": select(func.count()).select_from(Institution),
        "plan": select(func.count()).select_from(Plan).where(live),
        "course": select(func.count()).select_from(CourseModule).where(CourseModule.active.is_(True)),
        "bank": select(func.count()).select_from(BankQuestion).where(BankQuestion.active.is_(True)),
        "blueprint": select(func.count(func.distinct(BlueprintEntry.plan_id)))
        .join(Plan, Plan.id == BlueprintEntry.plan_id)
        .where(live),
        "batches": select(func.count())
        .select_from(Batch)
        .join(Plan, Plan.id == Batch.plan_id)
        .where(live, Batch.day.is_not(None)),
    }
    return Checklist(tuple([SetupItem(key, await _count(session, counts[key])) for key in SETUP_ITEMS]))


async def registration_opening(session: AsyncSession, now: datetime, tz: ZoneInfo) -> Opening:
    """Whether any published plan takes registrations now, else the soonest day one opens."""
    plans = (await session.scalars(select(Plan).where(Plan.status == "published"))).all()
    upcoming: list[Plan] = []
    for plan in plans:
        window = Window.from_dates(plan.registration_start, plan.registration_end, tz)
        if window.is_open(now):
            return Opening(True, plan.registration_start, plan.name)
        if now < window.opens:
            upcoming.append(plan)
    if not upcoming:
        return Opening(False, None, None)
    soonest = min(upcoming, key=lambda p: p.registration_start)
    return Opening(False, soonest.registration_start, soonest.name)
