"""Where each candidate stands, from draft to certified, computed from what the database holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import (
    BatchAssignment,
    Examiner,
    IssuedCertificate,
    Plan,
    QuizAttempt,
    Registration,
    StudySession,
)


class Stage(StrEnum):
    """The stages rosters count, in the programme's order."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    STUDYING = "studying"
    QUIZ_PASSED = "quiz_passed"
    QUIZ_FAILED = "quiz_failed"
    OFFLINE_BATCH = "offline_batch"
    CERTIFIED = "certified"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


@dataclass(frozen=True, slots=True)
class RegistrationFacts:
    """The facts a stage is computed from; later stages come from later_stages()."""

    registration_id: int | None
    status: str | None
    registration_end: date | None
    study_end: date | None


def review_stage(status: str | None) -> Stage:
    """The stage a registration's review status alone gives (no registration yet counts as draft)."""
    if status in ("submitted", "resubmitted"):
        return Stage.SUBMITTED
    if status == "approved":
        return Stage.APPROVED
    if status == "rejected":
        return Stage.REJECTED
    return Stage.DRAFT


async def later_stages(session: AsyncSession, registration_ids: Sequence[int]) -> dict[int, Stage]:
    """Stages past approval per registration, from study sessions, quiz attempts, batches and certificates.

    The furthest stage wins: certified, offline batch, quiz passed, quiz failed, studying. A quiz counts as
    failed once an attempt is finished below the plan's pass score and none passed (a retake may remain).
    """
    if not registration_ids:
        return {}
    ids = list(registration_ids)
    stages: dict[int, Stage] = {}
    studying = await session.scalars(
        select(StudySession.registration_id).where(StudySession.registration_id.in_(ids)).distinct()
    )
    stages.update(dict.fromkeys(studying, Stage.STUDYING))
    attempts = await session.execute(
        select(QuizAttempt.registration_id, QuizAttempt.score, Plan.pass_score)
        .join(Registration, Registration.id == QuizAttempt.registration_id)
        .join(Plan, Plan.id == Registration.plan_id)
        .where(QuizAttempt.registration_id.in_(ids), QuizAttempt.status != "open")
    )
    for registration_id, score, pass_score in attempts.all():
        if score is not None and score >= pass_score:
            stages[registration_id] = Stage.QUIZ_PASSED
        elif stages.get(registration_id) is not Stage.QUIZ_PASSED:
            stages[registration_id] = Stage.QUIZ_FAILED
    batched = await session.scalars(
        select(BatchAssignment.registration_id).where(BatchAssignment.registration_id.in_(ids))
    )
    stages.update(dict.fromkeys(batched, Stage.OFFLINE_BATCH))
    certified = await session.scalars(
        select(Examiner.registration_id)
        .join(IssuedCertificate, IssuedCertificate.examiner_id == Examiner.id)
        .where(Examiner.registration_id.in_(ids), IssuedCertificate.revoked_at.is_(None))
    )
    stages.update(dict.fromkeys(certified, Stage.CERTIFIED))
    return stages


def stage_of(facts: RegistrationFacts, later: dict[int, Stage]) -> Stage:
    """The candidate's current stage: a later stage wins over the review status."""
    if facts.registration_id is not None and facts.registration_id in later:
        return later[facts.registration_id]
    return review_stage(facts.status)


def next_deadline(stage: Stage, facts: RegistrationFacts) -> date | None:
    """The last day of the step the candidate still has to take, or None when nothing is due from them."""
    if stage in (Stage.DRAFT, Stage.REJECTED):
        return facts.registration_end
    if stage in (Stage.APPROVED, Stage.STUDYING, Stage.QUIZ_FAILED):
        return facts.study_end
    return None
