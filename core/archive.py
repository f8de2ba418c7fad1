"""考试档案: one view of a candidate's whole history, from registration to certificate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from core.certificates.service import certificate_of
from core.db import Database
from core.db.models import MailRequest, Plan, QuizAttempt, Registration, StudySession
from core.offline.exam import ExamResultView, exam_results_for
from core.offline.tickets import SeatFacts, seat_of
from core.people.users import TelegramIdentity, ensure_user
from core.quiz.scoring import passed


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    """One online quiz attempt."""

    attempt_no: int
    status: str
    score: int | None
    submitted_at: datetime | None
    passed: bool


@dataclass(frozen=True, slots=True)
class RegistrationFacts:
    """One registration with its study time and quiz attempts."""

    plan_no: str
    plan_name: str
    occupation: str
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    study_minutes: int
    required_minutes: int
    pass_score: int
    attempts: tuple[AttemptFacts, ...]


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """The certificate as the archive shows it."""

    number: str
    issued_on: date
    revoked_at: datetime | None
    revoke_reason: str | None
    mail_status: str | None
    tracking_no: str | None


@dataclass(frozen=True, slots=True)
class Archive:
    """Everything the candidate has done in the programme, oldest step first."""

    registered_at: datetime
    registrations: tuple[RegistrationFacts, ...]
    seat: SeatFacts | None
    exam: tuple[ExamResultView, ...]
    certificate: CertificateFacts | None


async def archive_of(db: Database, who: TelegramIdentity) -> Archive:
    """Gather the candidate's history from every feature's tables, read-only."""
    async with db.uow() as uow:
        session = uow.session
        user = await ensure_user(session, who)
        registrations: list[RegistrationFacts] = []
        rows = await session.execute(
            select(Registration, Plan)
            .join(Plan, Plan.id == Registration.plan_id)
            .where(Registration.user_id == user.id)
            .order_by(Registration.id)
        )
        for registration, plan in rows.all():
            seconds = await session.scalar(
                select(func.coalesce(func.sum(StudySession.credited_seconds), 0)).where(
                    StudySession.registration_id == registration.id
                )
            )
            attempts = await session.scalars(
                select(QuizAttempt)
                .where(QuizAttempt.registration_id == registration.id)
                .order_by(QuizAttempt.attempt_no)
            )
            registrations.append(
                RegistrationFacts(
                    plan_no=plan.plan_no,
                    plan_name=plan.name,
                    occupation=registration.occupation or "",
                    status=registration.status,
                    submitted_at=registration.submitted_at,
                    decided_at=registration.decided_at,
                    study_minutes=int(seconds or 0) // 60,
                    required_minutes=plan.required_study_minutes,
                    pass_score=plan.pass_score,
                    attempts=tuple(
                        AttemptFacts(
                            a.attempt_no,
                            a.status,
                            a.score,
                            a.submitted_at,
                            a.score is not None and passed(a.score, plan.pass_score),
                        )
                        for a in attempts.all()
                    ),
                )
            )
        certificate = await certificate_of(session, user.id)
        cert_facts: CertificateFacts | None = None
        if certificate is not None:
            mail = await session.scalar(
                select(MailRequest)
                .where(MailRequest.certificate_id == certificate.id)
                .order_by(MailRequest.id.desc())
            )
            cert_facts = CertificateFacts(
                certificate.number,
                certificate.issued_on,
                certificate.revoked_at,
                certificate.revoke_reason,
                mail.status if mail is not None else None,
                mail.tracking_no if mail is not None else None,
            )
        archive = Archive(
            registered_at=user.created_at,
            registrations=tuple(registrations),
            seat=await seat_of(session, user.id),
            exam=tuple(await exam_results_for(session, user.id)),
            certificate=cert_facts,
        )
        await uow.commit()
    return archive
