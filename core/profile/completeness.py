"""When 个人信息 is complete: the one definition that registration, its notices and the dialog all use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

PROVINCIAL_REGION = "省直"
APPROVED = "approved"  # the review status that locks 个人信息 (core.registration.eligibility names it too)
PROFILE_FIELD_LABELS: Mapping[str, str] = {
    "id_type": "证件类型",
    "id_number": "证件号码",
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "education": "最高学历",
    "mobile": "手机号码",
    "email": "电子邮箱",
    "postcode": "邮政编码",
    "region": "报考区域",
    "category": "考生类别",
    "address": "联系地址",
}


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    """The portal's required 个人信息 fields, in its order; None or blank means not filled."""

    id_type: str | None = None
    id_number: str | None = None
    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    education: str | None = None
    mobile: str | None = None
    email: str | None = None
    postcode: str | None = None
    region: str | None = None
    category: str | None = None
    address: str | None = None


def missing_profile_fields(profile: ProfileFacts) -> list[str]:
    """Missing field codes in portal order, so a dialog can resume at the first one."""
    missing = []
    for f in fields(profile):
        value = getattr(profile, f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(f.name)
    return missing


REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ProfileFacts))


def can_edit_profile(status: str | None) -> bool:
    """Candidates edit freely until a registration is approved; afterwards changes go through staff."""
    return status != APPROVED
