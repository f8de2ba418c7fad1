"""Who may register: profile completeness, employer, qualification, proof, pledge and window, all at once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from core.errors import NotAllowed
from core.plans.windows import Window
from core.profile.completeness import APPROVED as LOCKS_PROFILE
from core.profile.completeness import PROFILE_FIELD_LABELS, PROVINCIAL_REGION

SKILL_LEVELS = ("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师")
TITLE_LEVELS = ("初级", "中级", "副高级", "正高级")
_TITLE_ALIASES = {"助理级": "初级", "员级": "初级", "副高": "副高级", "高级": "副高级", "正高": "正高级"}
MIN_SKILL_RANK = SKILL_LEVELS.index("三级/高级工")
MIN_TITLE_RANK = TITLE_LEVELS.index("中级")


class InstitutionType(StrEnum):
    """Registry types of evaluation institutions; only the first two and their member units qualify."""

    CENTRAL_BRANCH = "央企驻皖分支机构"
    PROVINCIAL_ORG = "省级行业评价组织"
    MEMBER_UNIT = "会员单位"
    OTHER = "其他"


class FilingStatus(StrEnum):
    """Whether the institution is filed for skill-level recognition; 已备案 and 拟备案 are accepted."""

    FILED = "已备案"
    TO_BE_FILED = "拟备案"
    NOT_FILED = "未备案"


ACCEPTED_TYPES = frozenset({InstitutionType.CENTRAL_BRANCH.value, InstitutionType.PROVINCIAL_ORG.value})
ACCEPTED_FILING = frozenset({FilingStatus.FILED.value, FilingStatus.TO_BE_FILED.value})
# The registry stores codes (core.review.institutions imports them); the rules read these labels.
KIND_LABELS = {
    "central_branch": InstitutionType.CENTRAL_BRANCH.value,
    "provincial_org": InstitutionType.PROVINCIAL_ORG.value,
    "member_unit": InstitutionType.MEMBER_UNIT.value,
}
FILING_LABELS = {"filed": FilingStatus.FILED.value, "to_be_filed": FilingStatus.TO_BE_FILED.value}


@dataclass(frozen=True, slots=True)
class InstitutionFacts:
    """The employer as found in the imported registry; parent_type matters only for member units."""

    name: str
    type: str
    filing_status: str
    parent_type: str | None = None


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """One certificate the candidate entered: a skill level or a professional title."""

    kind: Literal["skill", "title"]
    occupation_or_specialty: str
    level: str
    verified: bool = False
    proof_count: int = 0

    @property
    def supported(self) -> bool:
        """The registry confirmed it, or there is at least one proof upload."""
        return self.verified or self.proof_count > 0


@dataclass(frozen=True, slots=True)
class EligibilityFacts:
    """Everything the registration rules look at, mapped from database rows by the service."""

    missing_profile_fields: Sequence[str]
    has_photo: bool
    region: str | None
    institution: InstitutionFacts | None
    certificates: Sequence[CertificateFacts]
    pledge_confirmed: bool
    plan_occupations: Sequence[str]
    registration: Window
    tech_support_phone: str = ""


@dataclass(frozen=True, slots=True)
class Unmet:
    """One unmet condition: a code for logic, plus a catalogue key and params telling what to do."""

    code: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def normalise_name(text: str) -> str:
    """Compare occupation names ignoring width, spaces, punctuation and case."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if not (c.isspace() or unicodedata.category(c).startswith("P")))


def skill_rank(level: str) -> int | None:
    """Rank of a skill level written as 三级, 高级工, 三级/高级工 or 三级（高级工）; None if unknown."""
    text = normalise_name(level)
    for rank, label in enumerate(SKILL_LEVELS):
        number, name = label.split("/")
        if text in (normalise_name(label), number, name, number + name):
            return rank
    return None


def title_rank(level: str) -> int | None:
    """Rank of a professional-title level (初级 … 正高级); None if unknown."""
    text = re.sub(r"(职称|技术职务|专业技术)", "", normalise_name(level))
    text = _TITLE_ALIASES.get(text, text)
    return TITLE_LEVELS.index(text) if text in TITLE_LEVELS else None


def qualifies(cert: CertificateFacts, plan_occupations: Sequence[str]) -> bool:
    """三级/高级工+ in a plan occupation, or a 中级+ title in some field (relatedness is judged by staff)."""
    if cert.kind == "skill":
        rank = skill_rank(cert.level)
        wanted = {normalise_name(o) for o in plan_occupations}
        occupation = normalise_name(cert.occupation_or_specialty)
        return rank is not None and rank >= MIN_SKILL_RANK and occupation in wanted
    rank = title_rank(cert.level)
    return rank is not None and rank >= MIN_TITLE_RANK and bool(normalise_name(cert.occupation_or_specialty))


def _employer_unmet(inst: InstitutionFacts | None) -> list[Unmet]:
    if inst is None:
        return [Unmet("institution_missing", "rules.unmet.institution_missing")]
    out = []
    member_ok = inst.type == InstitutionType.MEMBER_UNIT and inst.parent_type in ACCEPTED_TYPES
    if inst.type not in ACCEPTED_TYPES and not member_ok:
        params = {"name": inst.name, "type": inst.type}
        out.append(Unmet("institution_type", "rules.unmet.institution_type", params))
    if inst.filing_status not in ACCEPTED_FILING:
        params = {"name": inst.name, "status": inst.filing_status}
        out.append(Unmet("institution_filing", "rules.unmet.institution_filing", params))
    return out


def check_eligibility(facts: EligibilityFacts, now: datetime) -> list[Unmet]:
    """Every unmet registration condition at once, so the candidate can fix them all in one go."""
    unmet: list[Unmet] = []
    if facts.missing_profile_fields:
        labels = "、".join(PROFILE_FIELD_LABELS.get(f, f) for f in facts.missing_profile_fields)
        unmet.append(Unmet("profile", "rules.unmet.profile", {"fields": labels}))
    if not facts.has_photo:
        unmet.append(Unmet("photo", "rules.unmet.photo"))
    if facts.region and facts.region.strip() != PROVINCIAL_REGION:
        params = {"region": facts.region, "phone": facts.tech_support_phone}
        unmet.append(Unmet("region", "rules.unmet.region", params))
    unmet.extend(_employer_unmet(facts.institution))
    relied = [c for c in facts.certificates if qualifies(c, facts.plan_occupations)]
    if not relied:
        if facts.plan_occupations:
            occupations = "、".join(facts.plan_occupations)
            unmet.append(Unmet("qualification", "rules.unmet.qualification", {"occupations": occupations}))
        else:
            unmet.append(Unmet("qualification", "rules.unmet.qualification_any"))
    unproven = [c for c in relied if not c.supported]
    if unproven:
        names = "、".join(f"{c.occupation_or_specialty}（{c.level}）" for c in unproven)
        unmet.append(Unmet("certificate_proof", "rules.unmet.certificate_proof", {"certificates": names}))
    if not facts.pledge_confirmed:
        unmet.append(Unmet("pledge", "rules.unmet.pledge"))
    closed = registration_window_unmet(facts.registration, now)
    if closed is not None:
        unmet.append(closed)
    return unmet


def registration_window_unmet(window: Window, now: datetime) -> Unmet | None:
    """The one check of the registration window, for choosing an occupation and for submitting alike."""
    state = window.state(now)
    if state == "open":
        return None
    days = {"start": window.first_day, "end": window.last_day}
    return Unmet("window", f"rules.unmet.registration_{state}", days)


class RegistrationStatus(StrEnum):
    """Where a registration stands in review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = LOCKS_PROFILE  # approval locks 个人信息: core.profile.completeness.can_edit_profile
    REJECTED = "rejected"
    RESUBMITTED = "resubmitted"


class RegistrationAction(StrEnum):
    """What a candidate or staff member does to a registration."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"


STATUS_LABELS: Mapping[str, str] = {
    "draft": "未提交",
    "submitted": "待审核",
    "approved": "审核通过",
    "rejected": "审核未通过",
    "resubmitted": "重新提交待审核",
}
_S, _A = RegistrationStatus, RegistrationAction
_MOVES: Mapping[tuple[RegistrationStatus, RegistrationAction], RegistrationStatus] = {
    (_S.DRAFT, _A.SUBMIT): _S.SUBMITTED,
    (_S.SUBMITTED, _A.APPROVE): _S.APPROVED,
    (_S.SUBMITTED, _A.REJECT): _S.REJECTED,
    (_S.REJECTED, _A.SUBMIT): _S.RESUBMITTED,
    (_S.RESUBMITTED, _A.APPROVE): _S.APPROVED,
    (_S.RESUBMITTED, _A.REJECT): _S.REJECTED,
}


def next_status(current: RegistrationStatus, action: RegistrationAction) -> RegistrationStatus:
    """The status after `action`, refusing moves the review process does not allow."""
    try:
        return _MOVES[(current, action)]
    except KeyError:
        raise NotAllowed(f"rules.status.cannot_{action.value}", status=STATUS_LABELS[current.value]) from None
