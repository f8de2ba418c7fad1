"""Who a notice goes to: broadcast audiences chosen by staff and the people each deadline concerns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import (
    BatchAssignment,
    Liaison,
    NoticePreference,
    Plan,
    Profile,
    QuizAttempt,
    Registration,
    StudySession,
    User,
)
from core.profile.completeness import REQUIRED_FIELDS, ProfileFacts, missing_profile_fields

KINDS = ("all", "plan", "institution", "stage", "liaisons")
STAGES = ("no_registration", "draft", "submitted", "approved", "rejected")
FINISHED_ATTEMPTS = ("submitted", "timed_out")
@dataclass(frozen=True, slots=True)
class Audience:
    """A staff-chosen audience: a kind and, for plan/institution/stage, which one."""

    kind: str
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A recipient as the notices see them."""

    user_id: int
    chat_id: int
    institution_id: int | None = None


@dataclass(frozen=True, slots=True)
class PassedCandidate:
    """A registration whose best online quiz attempt reached the plan's pass score."""

    registration_id: int
    user_id: int
    institution_id: int | None
    passed_at: datetime


async def _rows(session: AsyncSession, query: Select[int, int]) -> list[Person]:
    return [Person(user_id, chat_id) for user_id, chat_id in (await session.execute(query.distinct())).all()]


def _users() -> Select[int, int]:
    return select(User.id, User.telegram_id)


async def broadcast_audience(session: AsyncSession, audience: Audience) -> list[Person]:
    """Everyone a broadcast to this audience reaches, each once, in a stable order."""
    query = _users()
    ref = audience.ref
    if audience.kind == "all":
        pass
    elif audience.kind == "plan" and ref is not None:
        query = query.join(Registration, Registration.user_id == User.id).where(
            Registration.plan_id == int(ref)
        )
    elif audience.kind == "institution" and ref is not None:
        in_institution = exists().where(Profile.user_id == User.id, Profile.institution_id == int(ref))
        is_liaison = exists().where(Liaison.user_id == User.id, Liaison.institution_id == int(ref))
        query = query.where(or_(in_institution, is_liaison))
    elif audience.kind == "stage" and ref == "no_registration":
        query = query.join(Profile, Profile.user_id == User.id).where(
            ~exists().where(Registration.user_id == User.id)
        )
    elif audience.kind == "stage" and ref in STAGES:
        query = query.join(Registration, Registration.user_id == User.id).where(Registration.status == ref)
    elif audience.kind == "liaisons":
        query = query.join(Liaison, Liaison.user_id == User.id)
    else:
        return []
    return await _rows(session, query.order_by(User.id))


async def registration_unfinished(session: AsyncSession, plan_id: int) -> list[Person]:
    """Candidates with an unfinished profile or no submitted registration for the plan, with institutions.

    Someone counts as a candidate once they have a profile or a registration; rejected registrations count as
    unsubmitted, since the candidate may fix and resubmit them before the window closes. "Unfinished" is
    `missing_profile_fields`, the test eligibility applies, so the notice and the refusal never disagree.
    """
    submitted = exists().where(
        Registration.user_id == User.id,
        Registration.plan_id == plan_id,
        Registration.status.in_(("submitted", "approved")),
    )
    has_registration = exists().where(Registration.user_id == User.id, Registration.plan_id == plan_id)
    required = [getattr(Profile, name) for name in REQUIRED_FIELDS]
    query = (
        select(User.id, User.telegram_id, Profile.id, Profile.institution_id, submitted.label("done"))
        .add_columns(*required)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(or_(Profile.id.is_not(None), has_registration))
        .order_by(User.id)
    )
    people = []
    for user_id, chat_id, profile_id, institution_id, done, *values in (await session.execute(query)).all():
        facts = ProfileFacts(**dict(zip(REQUIRED_FIELDS, values, strict=True)))
        unfinished = profile_id is not None and bool(missing_profile_fields(facts))
        if not done or unfinished:
            people.append(Person(user_id, chat_id, institution_id))
    return people


async def liaisons_of(session: AsyncSession, institution_ids: Sequence[int | None]) -> dict[int, Person]:
    """The liaison of each institution given, keyed by institution."""
    wanted = {i for i in institution_ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(
        select(Liaison.institution_id, User.id, User.telegram_id)
        .join(User, User.id == Liaison.user_id)
        .where(Liaison.institution_id.in_(wanted))
    )
    return {inst: Person(user_id, chat_id, inst) for inst, user_id, chat_id in rows.all()}


async def all_liaisons(session: AsyncSession) -> list[Person]:
    """Every institution's liaison."""
    rows = await session.execute(
        select(User.id, User.telegram_id, Liaison.institution_id)
        .join(Liaison, Liaison.user_id == User.id)
        .order_by(Liaison.institution_id)
    )
    return [Person(u, c, i) for u, c, i in rows.all()]


async def study_behind(session: AsyncSession, plan: Plan, *, include_muted: bool) -> list[Person]:
    """Approved candidates of the plan under the required minutes or without a passing quiz attempt."""
    minutes = (
        select(func.coalesce(func.sum(StudySession.credited_seconds), 0))
        .where(StudySession.registration_id == Registration.id)
        .scalar_subquery()
    )
    passed = exists().where(
        QuizAttempt.registration_id == Registration.id,
        QuizAttempt.status != "open",
        QuizAttempt.score >= plan.pass_score,
    )
    query = (
        select(User.id, User.telegram_id, Profile.institution_id)
        .join(Registration, Registration.user_id == User.id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(Registration.plan_id == plan.id, Registration.status == "approved")
        .where(or_(minutes < plan.required_study_minutes * 60, ~passed))
        .order_by(User.id)
    )
    if not include_muted:
        muted = exists().where(NoticePreference.user_id == User.id, NoticePreference.mute_study.is_(True))
        query = query.where(~muted)
    return [Person(u, c, i) for u, c, i in (await session.execute(query)).all()]


async def batch_attendees(session: AsyncSession, batch_id: int) -> list[tuple[Person, str]]:
    """Everyone seated in an offline batch, with their admission ticket number."""
    rows = await session.execute(
        select(User.id, User.telegram_id, BatchAssignment.ticket_no)
        .join(BatchAssignment, BatchAssignment.user_id == User.id)
        .where(BatchAssignment.batch_id == batch_id)
        .order_by(User.id)
    )
    return [(Person(u, c), ticket) for u, c, ticket in rows.all()]


async def passed_quiz(session: AsyncSession, plan_id: int) -> list[PassedCandidate]:
    """Approved registrations of a plan whose best finished attempt passed, in the order they passed."""
    passing = (
        select(
            QuizAttempt.registration_id.label("registration_id"),
            func.min(QuizAttempt.submitted_at).label("passed_at"),
        )
        .join(Registration, Registration.id == QuizAttempt.registration_id)
        .join(Plan, Plan.id == Registration.plan_id)
        .where(
            Registration.plan_id == plan_id,
            Registration.status == "approved",
            QuizAttempt.status.in_(FINISHED_ATTEMPTS),
            QuizAttempt.score >= Plan.pass_score,
        )
        .group_by(QuizAttempt.registration_id)
        .subquery()
    )
    rows = await session.execute(
        select(passing.c.registration_id, Registration.user_id, Profile.institution_id, passing.c.passed_at)
        .join(Registration, Registration.id == passing.c.registration_id)
        .outerjoin(Profile, Profile.user_id == Registration.user_id)
        .order_by(passing.c.passed_at, passing.c.registration_id)
    )
    return [PassedCandidate(r[0], r[1], r[2], r[3]) for r in rows]


async def waiting_for_training(session: AsyncSession, plan_id: int) -> list[Person]:
    """Passed online and not yet seated in an offline batch: the training period is their next date."""
    passed = await passed_quiz(session, plan_id)
    seated = set(
        (
            await session.scalars(
                select(BatchAssignment.registration_id).where(
                    BatchAssignment.registration_id.in_([p.registration_id for p in passed])
                )
            )
        ).all()
    )
    user_ids = [p.user_id for p in passed if p.registration_id not in seated]
    if not user_ids:
        return []
    return await _rows(session, _users().where(User.id.in_(user_ids)))
