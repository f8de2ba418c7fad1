"""The eligibility rules' view of a registration, read from the database one way for candidate and staff."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Certificate, Institution, Photo, Plan, Profile, Proof, Registration
from core.plans.windows import Window
from core.profile.completeness import missing_profile_fields
from core.profile.fields import facts_of
from core.registration.eligibility import (
    FILING_LABELS,
    KIND_LABELS,
    CertificateFacts,
    EligibilityFacts,
    InstitutionFacts,
)


def registration_window(plan: Plan, tz: ZoneInfo) -> Window:
    """The plan's registration days as aware instants in the programme's time zone."""
    return Window.from_dates(plan.registration_start, plan.registration_end, tz)


async def institution_facts(session: AsyncSession, institution_id: int | None) -> InstitutionFacts | None:
    """The employer as the eligibility rules see it."""
    institution = await session.get(Institution, institution_id) if institution_id is not None else None
    if institution is None:
        return None
    parent = await session.get(Institution, institution.parent_id) if institution.parent_id else None
    return InstitutionFacts(
        name=institution.name,
        type=KIND_LABELS.get(institution.kind, institution.kind),
        filing_status=FILING_LABELS.get(institution.filing_status, institution.filing_status),
        parent_type=KIND_LABELS.get(parent.kind, parent.kind) if parent else None,
    )


async def _certificate_facts(session: AsyncSession, registration_id: int) -> list[CertificateFacts]:
    proofs = select(func.count(Proof.id)).where(Proof.certificate_id == Certificate.id).scalar_subquery()
    rows = await session.execute(
        select(Certificate, proofs)
        .where(Certificate.registration_id == registration_id)
        .order_by(Certificate.id)
    )
    return [
        CertificateFacts(
            kind="title" if c.kind == "title" else "skill",
            occupation_or_specialty=c.field,
            level=c.level,
            verified=c.verified,
            proof_count=n,
        )
        for c, n in rows.all()
    ]


async def eligibility_facts(
    session: AsyncSession, registration: Registration, plan: Plan, tz: ZoneInfo, tech_phone: str = ""
) -> EligibilityFacts:
    """Everything the eligibility rules look at for one registration, so every reader reaches one verdict."""
    profile = await session.scalar(select(Profile).where(Profile.user_id == registration.user_id))
    has_photo = await session.scalar(select(Photo.id).where(Photo.user_id == registration.user_id))
    return EligibilityFacts(
        missing_profile_fields=missing_profile_fields(facts_of(profile)),
        has_photo=has_photo is not None,
        region=profile.region if profile else None,
        institution=await institution_facts(session, profile.institution_id if profile else None),
        certificates=await _certificate_facts(session, registration.id),
        pledge_confirmed=registration.pledge_confirmed,
        plan_occupations=[registration.occupation] if registration.occupation else list(plan.occupations),
        registration=registration_window(plan, tz),
        tech_support_phone=tech_phone,
    )
