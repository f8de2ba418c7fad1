"""Typed 个人信息 answers: each validated into the profile row, or refused saying what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Institution, Profile, User
from core.errors import Conflict, InvalidInput
from core.normalise import clean_text
from core.profile.fields import LABELS, is_derived
from core.profile.id_numbers import IdType, validate_id
from core.profile.identity import (
    cross_check,
    validate_address,
    validate_birth_date,
    validate_email,
    validate_mobile,
    validate_name,
    validate_postcode,
    validate_work_start,
)

SEARCH_LIMIT = 8
SEARCH_MAX = 40


@dataclass(frozen=True, slots=True)
class InstitutionMatch:
    """One registry entry offered as a button when the candidate searches for an employer."""

    id: int
    name: str


async def set_id_number(session: AsyncSession, user: User, profile: Profile, raw: str, today: date) -> None:
    """Save a valid ID number no other account holds; a resident one also fills birth date and gender."""
    if not profile.id_type:
        raise InvalidInput("profile.id_type_first")
    parsed = validate_id(IdType(profile.id_type), raw, today)
    taken = await session.scalar(
        select(Profile.id).where(Profile.id_number == parsed.number, Profile.user_id != user.id)
    )
    if taken is not None:
        raise Conflict("profile.id_taken")
    profile.id_number = parsed.number
    if parsed.birth_date is not None and parsed.gender is not None:
        profile.birth_date, profile.gender = parsed.birth_date, parsed.gender


def _id_type(profile: Profile) -> IdType:
    return IdType(profile.id_type) if profile.id_type else IdType.RESIDENT


def set_text(profile: Profile, field: str, raw: str, today: date) -> None:
    """Save a typed answer for a free-text field; a field answered by buttons refuses typed text."""
    if field == "name":
        profile.name = validate_name(raw, _id_type(profile))
    elif field == "birth_date":
        born = validate_birth_date(raw, today)
        if is_derived(profile):
            cross_check(validate_id(_id_type(profile), profile.id_number or "", today), born, None)
        profile.birth_date = born
    elif field == "mobile":
        profile.mobile = validate_mobile(raw)
    elif field == "email":
        profile.email = validate_email(raw)
    elif field == "postcode":
        profile.postcode = validate_postcode(raw)
    elif field == "address":
        profile.address = validate_address(raw)
    elif field == "work_started_on":
        profile.work_started_on = validate_work_start(raw, today, profile.birth_date)
    else:
        raise InvalidInput("profile.use_buttons", field=LABELS.get(field, field))


#: Kinds of accepted employer (DOMAIN: central-enterprise branches, provincial industry organisations and
#: their member units), in the order the browse buttons show them; labels in profile.kind.<code>.
BROWSE_KINDS: tuple[str, ...] = ("central_branch", "provincial_org", "member_unit")
ACCEPTED_FILINGS = ("filed", "to_be_filed")


@dataclass(frozen=True, slots=True)
class BrowsePage:
    """One page of accepted institutions of a kind."""

    kind_index: int
    offset: int
    total: int


async def browse_institutions(
    session: AsyncSession, kind_index: int, offset: int
) -> tuple[BrowsePage, tuple[InstitutionMatch, ...]]:
    """Accepted institutions of one kind, by name, a page at a time."""
    if not 0 <= kind_index < len(BROWSE_KINDS) or offset < 0:
        raise InvalidInput("common.stale_button")
    accepted = (Institution.kind == BROWSE_KINDS[kind_index]) & Institution.filing_status.in_(
        ACCEPTED_FILINGS
    )
    total = await session.scalar(select(func.count()).select_from(Institution).where(accepted)) or 0
    rows = await session.execute(
        select(Institution.id, Institution.name)
        .where(accepted)
        .order_by(Institution.name)
        .offset(offset)
        .limit(SEARCH_LIMIT)
    )
    matches = tuple(InstitutionMatch(i, n) for i, n in rows.all())
    return BrowsePage(kind_index, offset, total), matches


async def search_institutions(session: AsyncSession, raw: str) -> tuple[str, tuple[InstitutionMatch, ...]]:
    """Registry entries whose name contains the typed text, offered as buttons."""
    text = " ".join(clean_text(raw).split())[:SEARCH_MAX]
    if len(text) < 2:
        raise InvalidInput("profile.search_short")
    rows = await session.execute(
        select(Institution.id, Institution.name)
        .where(Institution.name.contains(text, autoescape=True))
        .order_by(Institution.name)
        .limit(SEARCH_LIMIT)
    )
    return text, tuple(InstitutionMatch(i, n) for i, n in rows.all())
