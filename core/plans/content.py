"""Which plan a course, bank or blueprint import is for: staff pick it by button, the server re-checks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Plan, QuizAttempt, Registration
from core.errors import NotFound

CLOSED_STATUSES = ("archived",)
MAX_CHOICES = 12


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """A plan as an import button shows it."""

    id: int
    plan_no: str
    name: str


async def content_plan(session: AsyncSession, plan_id: int) -> Plan:
    """The plan content is imported for; an archived or missing plan is refused."""
    plan = await session.get(Plan, plan_id)
    if plan is None or plan.status in CLOSED_STATUSES:
        raise NotFound("imports.plan.not_found")
    return plan


async def plan_choices(session: AsyncSession) -> list[PlanChoice]:
    """Plans that can take content, newest study window first."""
    plans = await session.scalars(
        select(Plan)
        .where(Plan.status.not_in(CLOSED_STATUSES))
        .order_by(Plan.study_end.desc(), Plan.id.desc())
        .limit(MAX_CHOICES)
    )
    return [PlanChoice(p.id, p.plan_no, p.name) for p in plans.all()]


async def open_attempts(session: AsyncSession, plan_id: int) -> int:
    """How many quiz attempts of the plan's candidates are under way, drawn from its bank and blueprint."""
    count = await session.scalar(
        select(func.count())
        .select_from(QuizAttempt)
        .join(Registration, Registration.id == QuizAttempt.registration_id)
        .where(Registration.plan_id == plan_id, QuizAttempt.status == "open")
    )
    return int(count or 0)
