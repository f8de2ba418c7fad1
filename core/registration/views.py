"""What 我的报名 shows: plans, certificates, a registration with its status, next step and unmet rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Batch, Certificate, Plan, Proof, Registration, User
from core.errors import InvalidInput
from core.registration.eligibility import STATUS_LABELS, Unmet, check_eligibility
from core.registration.facts import eligibility_facts, registration_window

EDITABLE = ("draft", "rejected")


@dataclass(frozen=True, slots=True)
class BatchView:
    """A batch (批次) as listed in a plan's details."""

    code: str
    name: str
    day: date | None
    start_time: str | None
    place: str | None
    capacity: int | None


@dataclass(frozen=True, slots=True)
class PlanView:
    """A published plan with its windows, occupations and batches."""

    id: int
    plan_no: str
    name: str
    occupations: tuple[str, ...]
    registration_start: date
    registration_end: date
    study_start: date
    study_end: date
    window_state: str
    batches: tuple[BatchView, ...]


@dataclass(frozen=True, slots=True)
class ProofView:
    """An uploaded proof, re-sent by its Telegram file id."""

    file_id: str
    file_name: str
    mime_type: str


@dataclass(frozen=True, slots=True)
class CertificateView:
    """A certificate the registration relies on, with its proofs: the one view for candidate and reviewer."""

    id: int
    kind: str
    field: str
    level: str
    number: str
    issuer: str
    issued_on: date
    verified: bool
    proofs: tuple[ProofView, ...]


@dataclass(frozen=True, slots=True)
class RegistrationView:
    """One registration with its status, the next step and its deadline, and what is still unmet."""

    id: int
    plan_id: int
    plan_no: str
    plan_name: str
    occupation: str
    status: str
    status_label: str
    reject_reason: str | None
    next_step: str
    deadline: date | None
    pledge_confirmed: bool
    editable: bool
    certificates: tuple[CertificateView, ...]
    unmet: tuple[Unmet, ...]


@dataclass(frozen=True, slots=True)
class Home:
    """我的报名: what is missing from the profile, the candidate's registrations, and the open plans."""

    profile_missing: tuple[str, ...]
    registrations: tuple[RegistrationView, ...]
    plans: tuple[PlanView, ...]


async def plan_view(session: AsyncSession, plan: Plan, now: datetime, tz: ZoneInfo) -> PlanView:
    batches = await session.scalars(select(Batch).where(Batch.plan_id == plan.id).order_by(Batch.code))
    return PlanView(
        id=plan.id,
        plan_no=plan.plan_no,
        name=plan.name,
        occupations=tuple(plan.occupations or ()),
        registration_start=plan.registration_start,
        registration_end=plan.registration_end,
        study_start=plan.study_start,
        study_end=plan.study_end,
        window_state=registration_window(plan, tz).state(now),
        batches=tuple(
            BatchView(b.code, b.name, b.day, b.start_time, b.place, b.capacity) for b in batches.all()
        ),
    )


async def certificates_of(session: AsyncSession, registration_id: int) -> tuple[CertificateView, ...]:
    """A registration's certificates with their proofs, oldest first."""
    certs = (
        await session.scalars(
            select(Certificate).where(Certificate.registration_id == registration_id).order_by(Certificate.id)
        )
    ).all()
    proofs = await session.scalars(
        select(Proof)
        .join(Certificate, Certificate.id == Proof.certificate_id)
        .where(Certificate.registration_id == registration_id)
        .order_by(Proof.id)
    )
    by_certificate: dict[int, list[ProofView]] = {}
    for p in proofs.all():
        view = ProofView(p.telegram_file_id, p.file_name, p.mime_type)
        by_certificate.setdefault(p.certificate_id, []).append(view)
    return tuple(
        CertificateView(
            c.id, c.kind, c.field, c.level, c.number, c.issuer, c.issued_on, c.verified,
            tuple(by_certificate.get(c.id, ())),
        )
        for c in certs
    )  # fmt: skip


def _next_step(status: str, plan: Plan) -> tuple[str, date | None]:
    if status in ("submitted", "resubmitted"):
        return "registration.next.submitted", None
    if status == "approved":
        return "registration.next.approved", plan.study_end
    return f"registration.next.{status}", plan.registration_end


async def build_view(
    session: AsyncSession, registration: Registration, now: datetime, tz: ZoneInfo, tech_phone: str = ""
) -> RegistrationView:
    """Everything 我的报名 shows about one registration, including every unmet condition at once."""
    plan = await session.get(Plan, registration.plan_id)
    assert plan is not None
    certificates = await certificates_of(session, registration.id)
    facts = await eligibility_facts(session, registration, plan, tz, tech_phone)
    editable = registration.status in EDITABLE
    key, deadline = _next_step(registration.status, plan)
    return RegistrationView(
        id=registration.id,
        plan_id=plan.id,
        plan_no=plan.plan_no,
        plan_name=plan.name,
        occupation=registration.occupation or "",
        status=registration.status,
        status_label=STATUS_LABELS.get(registration.status, registration.status),
        reject_reason=registration.reject_reason if registration.status == "rejected" else None,
        next_step=key,
        deadline=deadline,
        pledge_confirmed=registration.pledge_confirmed,
        editable=editable,
        certificates=certificates,
        unmet=tuple(check_eligibility(facts, now)) if editable else (),
    )


async def own_registration(session: AsyncSession, user: User, registration_id: int) -> Registration:
    """The user's own registration; anyone else's id is treated as a stale button."""
    registration = await session.get(Registration, registration_id)
    if registration is None or registration.user_id != user.id:
        raise InvalidInput("common.stale_button")
    return registration
