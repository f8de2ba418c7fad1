"""The review queue (审核队列): what staff see of each submitted registration, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Certificate, Institution, Photo, Plan, Profile, Proof, Registration, User, utcnow
from core.people import TelegramIdentity
from core.rules import (
    CertificateFacts,
    EligibilityFacts,
    InstitutionFacts,
    ProfileFacts,
    Window,
    check_eligibility,
    missing_profile_fields,
)
from core.staff.institutions import FILING_LABELS, KIND_LABELS
from core.staff.roles import require_staff
from core.texts import has, t

REVIEWABLE = ("submitted", "resubmitted")


@dataclass(frozen=True, slots=True)
class ProofView:
    """An uploaded proof, re-sent by its Telegram file id."""

    file_id: str
    file_name: str
    mime_type: str


@dataclass(frozen=True, slots=True)
class CertificateView:
    """A certificate the registration relies on, with its proofs."""

    kind: str
    field: str
    level: str
    number: str
    issuer: str
    issued_on: date
    verified: bool
    proofs: tuple[ProofView, ...]


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """Everything staff need to decide one registration."""

    registration_id: int
    version: int
    position: int
    total: int
    status: str
    name: str
    id_type: str
    id_number: str
    gender: str
    birth_date: date | None
    education: str
    mobile: str
    email: str
    region: str
    institution: str
    plan_no: str
    occupation: str
    submitted_at: datetime | None
    photo_file_id: str | None
    photo_bytes: bytes | None
    certificates: tuple[CertificateView, ...]
    verdict: tuple[str, ...]


def _queue_filter() -> ColumnElement[bool]:
    return Registration.status.in_(REVIEWABLE)


async def _institution_facts(session: AsyncSession, institution_id: int | None) -> InstitutionFacts | None:
    if institution_id is None:
        return None
    institution = await session.get(Institution, institution_id)
    if institution is None:
        return None
    parent = await session.get(Institution, institution.parent_id) if institution.parent_id else None
    return InstitutionFacts(
        name=institution.name,
        type=KIND_LABELS.get(institution.kind, institution.kind),
        filing_status=FILING_LABELS.get(institution.filing_status, institution.filing_status),
        parent_type=KIND_LABELS.get(parent.kind, parent.kind) if parent else None,
    )


def verdict_lines(
    profile: Profile | None,
    has_photo: bool,
    institution: InstitutionFacts | None,
    certificates: list[CertificateView],
    registration: Registration,
    plan: Plan,
) -> tuple[str, ...]:
    """The eligibility rules' findings, leaving out the window (staff review after it may have closed)."""
    facts = EligibilityFacts(
        missing_profile_fields=missing_profile_fields(
            ProfileFacts(
                **{
                    name: getattr(profile, name, None)
                    for name in ProfileFacts.__dataclass_fields__  # the portal's required fields
                }
            )
        ),
        has_photo=has_photo,
        region=profile.region if profile else None,
        institution=institution,
        certificates=[
            CertificateFacts(
                kind="title" if c.kind == "title" else "skill",
                occupation_or_specialty=c.field,
                level=c.level,
                verified=c.verified,
                proof_count=len(c.proofs),
            )
            for c in certificates
        ],
        pledge_confirmed=registration.pledge_confirmed,
        plan_occupations=list(plan.occupations or []),
        registration=Window.from_dates(plan.registration_start, plan.registration_end, UTC),
    )
    unmet = [u for u in check_eligibility(facts, utcnow()) if u.code != "window"]
    return tuple(t(u.key, **u.params) if has(u.key) else u.code for u in unmet)


async def _certificates(session: AsyncSession, registration_id: int) -> list[CertificateView]:
    certs = (
        await session.scalars(
            select(Certificate).where(Certificate.registration_id == registration_id).order_by(Certificate.id)
        )
    ).all()
    views = []
    for cert in certs:
        proofs = (
            await session.scalars(select(Proof).where(Proof.certificate_id == cert.id).order_by(Proof.id))
        ).all()
        views.append(
            CertificateView(
                kind=cert.kind,
                field=cert.field,
                level=cert.level,
                number=cert.number,
                issuer=cert.issuer,
                issued_on=cert.issued_on,
                verified=cert.verified,
                proofs=tuple(ProofView(p.telegram_file_id, p.file_name, p.mime_type) for p in proofs),
            )
        )
    return views


async def _item(session: AsyncSession, registration: Registration, position: int, total: int) -> ReviewItem:
    profile = await session.scalar(select(Profile).where(Profile.user_id == registration.user_id))
    photo = await session.scalar(select(Photo).where(Photo.user_id == registration.user_id))
    plan = await session.get(Plan, registration.plan_id)
    assert plan is not None
    institution = await _institution_facts(session, profile.institution_id if profile else None)
    certificates = await _certificates(session, registration.id)
    user = await session.get(User, registration.user_id)
    return ReviewItem(
        registration_id=registration.id,
        version=registration.version,
        position=position,
        total=total,
        status=registration.status,
        name=(profile.name if profile and profile.name else None) or (user.first_name if user else ""),
        id_type=(profile.id_type if profile else None) or "",
        id_number=(profile.id_number if profile else None) or "",
        gender=(profile.gender if profile else None) or "",
        birth_date=profile.birth_date if profile else None,
        education=(profile.education if profile else None) or "",
        mobile=(profile.mobile if profile else None) or "",
        email=(profile.email if profile else None) or "",
        region=(profile.region if profile else None) or "",
        institution=institution.name if institution else "",
        plan_no=plan.plan_no,
        occupation=registration.occupation or "",
        submitted_at=registration.submitted_at,
        photo_file_id=photo.telegram_file_id if photo else None,
        photo_bytes=photo.data if photo and not photo.telegram_file_id else None,
        certificates=tuple(certificates),
        verdict=verdict_lines(profile, photo is not None, institution, certificates, registration, plan),
    )


async def queue_item(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], index: int = 0
) -> ReviewItem | None:
    """The registration at `index` in the queue (oldest submission first), or None when the queue is empty."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        await uow.commit()
        total = (
            await uow.session.scalar(select(func.count()).select_from(Registration).where(_queue_filter()))
            or 0
        )
        if total == 0:
            return None
        index = max(0, min(index, total - 1))
        registration = await uow.session.scalar(
            select(Registration)
            .where(_queue_filter())
            .order_by(Registration.submitted_at.asc().nulls_last(), Registration.id)
            .offset(index)
            .limit(1)
        )
        assert registration is not None
        return await _item(uow.session, registration, index + 1, total)


async def queue_size(session: AsyncSession) -> int:
    """How many registrations wait for review."""
    return await session.scalar(select(func.count()).select_from(Registration).where(_queue_filter())) or 0
