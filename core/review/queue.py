"""The review queue (审核队列): what staff see of each submitted registration, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Photo, Plan, Profile, Registration, User, utcnow
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.registration.eligibility import check_eligibility
from core.registration.facts import eligibility_facts, institution_facts
from core.registration.views import CertificateView, certificates_of
from core.texts import has, t

REVIEWABLE = ("submitted", "resubmitted")


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


async def verdict_lines(
    session: AsyncSession,
    registration: Registration,
    plan: Plan,
    tz: ZoneInfo,
    tech_phone: str,
    now: datetime | None = None,
) -> tuple[str, ...]:
    """The findings the candidate was told, leaving out the window (staff review after it may have closed)."""
    facts = await eligibility_facts(session, registration, plan, tz, tech_phone)
    unmet = [u for u in check_eligibility(facts, now or utcnow()) if u.code != "window"]
    return tuple(t(u.key, **u.params) if has(u.key) else u.code for u in unmet)


async def _item(
    session: AsyncSession,
    registration: Registration,
    position: int,
    total: int,
    tz: ZoneInfo,
    tech_phone: str,
    now: datetime | None,
) -> ReviewItem:
    profile = await session.scalar(select(Profile).where(Profile.user_id == registration.user_id))
    photo = await session.scalar(select(Photo).where(Photo.user_id == registration.user_id))
    plan = await session.get(Plan, registration.plan_id)
    assert plan is not None
    institution = await institution_facts(session, profile.institution_id if profile else None)
    certificates = await certificates_of(session, registration.id)
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
        verdict=await verdict_lines(session, registration, plan, tz, tech_phone, now),
    )


async def queue_item(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    index: int = 0,
    *,
    tz: ZoneInfo,
    tech_phone: str,
    now: datetime | None = None,
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
        return await _item(uow.session, registration, index + 1, total, tz, tech_phone, now)


async def queue_size(session: AsyncSession) -> int:
    """How many registrations wait for review."""
    return await session.scalar(select(func.count()).select_from(Registration).where(_queue_filter())) or 0
