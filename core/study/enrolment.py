"""Which approved registration a candidate studies and sits the quiz under, and that plan's study window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Plan, Registration, User
from core.errors import NotAllowed
from core.plans.windows import Window


@dataclass(frozen=True, slots=True)
class Enrolment:
    """An approved registration with the facts study and quiz rules need."""

    registration_id: int
    user_id: int
    plan_id: int
    plan_name: str
    window: Window
    required_minutes: int
    max_attempts: int
    pass_score: int
    time_limit_minutes: int


def enrolment_of(registration: Registration, plan: Plan, tz: ZoneInfo) -> Enrolment:
    """Build the plain view of a registration and its plan."""
    return Enrolment(
        registration_id=registration.id,
        user_id=registration.user_id,
        plan_id=plan.id,
        plan_name=plan.name,
        window=Window.from_dates(plan.study_start, plan.study_end, tz),
        required_minutes=plan.required_study_minutes,
        max_attempts=plan.max_quiz_attempts,
        pass_score=plan.pass_score,
        time_limit_minutes=plan.quiz_time_limit_minutes,
    )


async def find_enrolment(session: AsyncSession, telegram_id: int, tz: ZoneInfo, now: datetime) -> Enrolment:
    """The candidate's approved registration, preferring an open study window; refuse otherwise."""
    rows = (
        await session.execute(
            select(Registration, Plan)
            .join(Plan, Plan.id == Registration.plan_id)
            .join(User, User.id == Registration.user_id)
            .where(User.telegram_id == telegram_id, Registration.status == "approved")
            .order_by(Plan.study_end.desc())
        )
    ).all()
    if not rows:
        raise NotAllowed("study.not_approved")
    enrolments = [enrolment_of(r, p, tz) for r, p in rows]
    return next((e for e in enrolments if e.window.is_open(now)), enrolments[0])
