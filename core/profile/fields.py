"""The 个人信息 fields: order, choices and labels, and how a saved profile reads to candidate and rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Institution, Photo, Profile, Registration
from core.profile.completeness import (
    PROFILE_FIELD_LABELS,
    PROVINCIAL_REGION,
    REQUIRED_FIELDS,
    ProfileFacts,
    can_edit_profile,
    missing_profile_fields,
)
from core.profile.id_numbers import IdType

ID_TYPES: tuple[str, ...] = tuple(item.value for item in IdType)
GENDERS = ("男", "女")
EDUCATIONS = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中等职业教育", "普通高中", "初中及以下")
REGIONS = (
    PROVINCIAL_REGION, "合肥市", "芜湖市", "蚌埠市", "淮南市", "马鞍山市", "淮北市", "铜陵市", "安庆市",
    "黄山市", "滁州市", "阜阳市", "宿州市", "六安市", "亳州市", "池州市", "宣城市",
)  # fmt: skip
CATEGORIES = ("企业职工", "机关事业单位人员", "院校教师", "社会人员", "其他")
IDENTITY_FLAGS = ("在校人员", "服役军人", "下岗人员", "失业人员", "残疾人员", "农民工", "两劳人员", "其他")
CHOICES: Mapping[str, tuple[str, ...]] = {
    "id_type": ID_TYPES,
    "gender": GENDERS,
    "education": EDUCATIONS,
    "region": REGIONS,
    "category": CATEGORIES,
}
REQUIRED = REQUIRED_FIELDS
OPTIONAL = ("identity_flags", "institution", "work_started_on", "photo")
STEPS = REQUIRED + OPTIONAL
LABELS: Mapping[str, str] = {
    **PROFILE_FIELD_LABELS,
    "identity_flags": "人员身份",
    "institution": "单位名称",
    "work_started_on": "参加工作时间",
    "photo": "照片",
}
DERIVED = ("birth_date", "gender")


@dataclass(frozen=True, slots=True)
class ProfileView:
    """The profile as the candidate sees it: display text per field, what is missing, whether it is locked."""

    values: Mapping[str, str]
    missing: tuple[str, ...]
    derived_from_id: bool
    has_photo: bool
    locked: bool
    flags: tuple[str, ...]


def _display(profile: Profile, field: str, institution: str | None) -> str:
    if field == "identity_flags":
        return "、".join(profile.identity_flags or [])
    if field == "institution":
        return institution or ""
    value = getattr(profile, field, None)
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value) if value else ""


def facts_of(profile: Profile | None) -> ProfileFacts:
    """The rules' view of a profile row (None when the candidate never opened 个人信息)."""
    if profile is None:
        return ProfileFacts()
    return ProfileFacts(**{name: getattr(profile, name) for name in REQUIRED})


def is_derived(profile: Profile) -> bool:
    """Birth date and gender come from a resident ID number and are not asked again."""
    return profile.id_type == IdType.RESIDENT.value and bool(profile.id_number)


async def is_locked(session: AsyncSession, user_id: int) -> bool:
    """After approval, changes go through staff."""
    statuses = await session.scalars(select(Registration.status).where(Registration.user_id == user_id))
    return not all(can_edit_profile(status) for status in statuses)


async def view_of(session: AsyncSession, profile: Profile, locked: bool) -> ProfileView:
    """The profile as the candidate sees it, with what the rules still find missing."""
    institution = None
    if profile.institution_id is not None:
        institution = await session.scalar(
            select(Institution.name).where(Institution.id == profile.institution_id)
        )
    photo = await session.scalar(select(Photo.id).where(Photo.user_id == profile.user_id))
    return ProfileView(
        values={field: _display(profile, field, institution) for field in STEPS if field != "photo"},
        missing=tuple(missing_profile_fields(facts_of(profile))),
        derived_from_id=is_derived(profile),
        has_photo=photo is not None,
        locked=locked,
        flags=tuple(profile.identity_flags or []),
    )
