"""Windows, profile completeness, eligibility and the registration status machine, as the notice says."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.errors import InvalidInput, NotAllowed
from core.rules import (
    CertificateFacts,
    EligibilityFacts,
    InstitutionFacts,
    PlanWindows,
    ProfileFacts,
    RegistrationAction,
    RegistrationStatus,
    Window,
    can_edit_profile,
    check_eligibility,
    missing_profile_fields,
    next_status,
    skill_rank,
    title_rank,
)
from core.texts import catalogue, t

SH = ZoneInfo("Asia/Shanghai")
REGISTRATION = Window.from_dates(date(2024, 7, 30), date(2024, 8, 16), SH)
STUDY = Window.from_dates(date(2024, 7, 30), date(2024, 8, 27), SH)
DURING = datetime(2024, 8, 1, 10, 0, tzinfo=SH)
GOOD_CERT = CertificateFacts("skill", "电工", "三级/高级工", verified=True)
GOOD_INSTITUTION = InstitutionFacts("国网安徽省电力有限公司", "央企驻皖分支机构", "已备案")


def eligible(**changes: object) -> EligibilityFacts:
    """Facts of a candidate who meets everything, with some fields changed."""
    facts = EligibilityFacts(
        missing_profile_fields=[],
        has_photo=True,
        region="省直",
        institution=GOOD_INSTITUTION,
        certificates=[GOOD_CERT],
        pledge_confirmed=True,
        plan_occupations=["电工", "焊工"],
        registration=REGISTRATION,
        tech_support_phone="18155118665",
    )
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


def codes(facts: EligibilityFacts, now: datetime = DURING) -> list[str]:
    return [u.code for u in check_eligibility(facts, now)]


def test_until_august_16_means_through_the_end_of_that_day() -> None:
    assert REGISTRATION.is_open(datetime(2024, 8, 16, 23, 59, 59, tzinfo=SH))
    assert not REGISTRATION.is_open(datetime(2024, 8, 17, 0, 0, tzinfo=SH))
    assert REGISTRATION.last_day == date(2024, 8, 16)
    assert REGISTRATION.first_day == date(2024, 7, 30)


def test_window_state_before_during_and_after() -> None:
    assert REGISTRATION.state(datetime(2024, 7, 29, 23, 59, tzinfo=SH)) == "not_yet"
    assert REGISTRATION.state(datetime(2024, 7, 30, 0, 0, tzinfo=SH)) == "open"
    assert REGISTRATION.state(datetime(2024, 8, 17, 0, 0, tzinfo=SH)) == "closed"


def test_window_compares_correctly_with_utc_instants() -> None:
    just_before_close_utc = datetime(2024, 8, 16, 15, 59, tzinfo=ZoneInfo("UTC"))
    assert REGISTRATION.is_open(just_before_close_utc)
    assert not REGISTRATION.is_open(just_before_close_utc + timedelta(minutes=1))


def test_windows_refuse_naive_datetimes_and_reversed_dates() -> None:
    with pytest.raises(ValueError):
        Window(datetime(2024, 7, 30), datetime(2024, 8, 16))
    with pytest.raises(InvalidInput) as info:
        Window.from_dates(date(2024, 8, 16), date(2024, 7, 30), SH)
    assert info.value.key == "rules.window_order"
    assert "不能早于" in t(info.value.key, **info.value.params)


def test_a_plan_holds_a_registration_and_a_study_window() -> None:
    plan = PlanWindows(REGISTRATION, STUDY)
    assert plan.study.last_day == date(2024, 8, 27)


def test_missing_profile_fields_come_in_portal_order() -> None:
    profile = ProfileFacts(
        id_type="居民身份证(中国大陆)", id_number="x", name="张三", email=" ", address=None
    )
    assert missing_profile_fields(profile) == [
        "gender",
        "birth_date",
        "education",
        "mobile",
        "email",
        "postcode",
        "region",
        "category",
        "address",
    ]
    assert missing_profile_fields(ProfileFacts())[0] == "id_type"


def test_a_candidate_meeting_every_condition_has_nothing_unmet() -> None:
    assert check_eligibility(eligible(), DURING) == []


def test_every_unmet_condition_is_reported_at_once() -> None:
    facts = eligible(
        missing_profile_fields=["mobile", "email"],
        has_photo=False,
        region="合肥市",
        institution=None,
        certificates=[],
        pledge_confirmed=False,
    )
    unmet = check_eligibility(facts, datetime(2024, 8, 20, tzinfo=SH))
    assert [u.code for u in unmet] == [
        "profile",
        "photo",
        "region",
        "institution_missing",
        "qualification",
        "pledge",
        "window",
    ]
    texts = {u.code: t(u.key, **u.params) for u in unmet}
    assert "手机号码、电子邮箱" in texts["profile"]
    assert "18155118665" in texts["region"] and "省直" in texts["region"]
    assert "8月16日" in texts["window"] and "已截止" in texts["window"]


def test_registration_before_the_window_says_when_it_opens() -> None:
    (unmet,) = check_eligibility(eligible(), datetime(2024, 7, 1, tzinfo=SH))
    assert unmet.key == "rules.unmet.registration_not_yet"
    assert "2024年7月30日至2024年8月16日" in t(unmet.key, **unmet.params)


def test_employers_outside_the_accepted_types_are_refused_naming_the_employer() -> None:
    other = InstitutionFacts("某某培训学校", "其他", "已备案")
    (unmet,) = check_eligibility(eligible(institution=other), DURING)
    assert unmet.code == "institution_type"
    assert "某某培训学校" in t(unmet.key, **unmet.params)


def test_member_units_count_only_when_their_parent_is_an_accepted_type() -> None:
    member = InstitutionFacts("某某公司", "会员单位", "拟备案", parent_type="省级行业评价组织")
    assert codes(eligible(institution=member)) == []
    orphan = InstitutionFacts("某某公司", "会员单位", "拟备案", parent_type="其他")
    assert codes(eligible(institution=orphan)) == ["institution_type"]


def test_institutions_not_filed_or_about_to_be_filed_are_refused() -> None:
    unfiled = InstitutionFacts("省某某行业协会", "省级行业评价组织", "未备案")
    assert codes(eligible(institution=unfiled)) == ["institution_filing"]
    pending = InstitutionFacts("省某某行业协会", "省级行业评价组织", "拟备案")
    assert codes(eligible(institution=pending)) == []


def test_skill_certificates_below_level_three_do_not_qualify() -> None:
    level4 = CertificateFacts("skill", "电工", "四级/中级工", verified=True)
    assert codes(eligible(certificates=[level4])) == ["qualification"]


def test_a_plan_without_listed_occupations_asks_for_one_of_its_occupations() -> None:
    [unmet] = check_eligibility(eligible(plan_occupations=[], certificates=[]), DURING)
    assert unmet.code == "qualification" and "本计划所列职业" in t(unmet.key, **unmet.params)


def test_higher_skill_levels_in_any_spelling_qualify() -> None:
    for level in ("三级", "高级工", "二级/技师", "一级（高级技师）", "技师"):
        cert = CertificateFacts("skill", "电工", level, verified=True)
        assert codes(eligible(certificates=[cert])) == [], level


def test_a_skill_certificate_must_be_in_an_occupation_of_the_plan() -> None:
    cook = CertificateFacts("skill", "中式烹调师", "二级/技师", verified=True)
    assert codes(eligible(certificates=[cook])) == ["qualification"]
    spaced = CertificateFacts("skill", " 焊 工 ", "三级/高级工", verified=True)
    assert codes(eligible(certificates=[spaced])) == []


def test_a_mid_level_professional_title_or_higher_qualifies() -> None:
    for level in ("中级", "副高级", "正高级", "高级"):
        title = CertificateFacts("title", "电气工程", level, proof_count=1)
        assert codes(eligible(certificates=[title])) == [], level
    junior = CertificateFacts("title", "电气工程", "初级", proof_count=1)
    assert codes(eligible(certificates=[junior])) == ["qualification"]


def test_relied_upon_certificates_need_verification_or_a_proof_upload() -> None:
    unproven = CertificateFacts("skill", "电工", "三级/高级工")
    unmet = check_eligibility(eligible(certificates=[unproven]), DURING)
    assert [u.code for u in unmet] == ["certificate_proof"]
    assert "电工（三级/高级工）" in t(unmet[0].key, **unmet[0].params)
    uploaded = dataclasses.replace(unproven, proof_count=2)
    assert codes(eligible(certificates=[uploaded])) == []


def test_level_ranks_are_recognised_and_unknown_levels_are_none() -> None:
    assert skill_rank("五级/初级工") == 0
    assert skill_rank("一级/高级技师") == 4
    assert skill_rank("特级") is None
    assert title_rank("中级职称") == 1
    assert title_rank("博士") is None


def test_registration_moves_through_review_and_resubmission() -> None:
    status = next_status(RegistrationStatus.DRAFT, RegistrationAction.SUBMIT)
    assert status is RegistrationStatus.SUBMITTED
    status = next_status(status, RegistrationAction.REJECT)
    assert status is RegistrationStatus.REJECTED
    status = next_status(status, RegistrationAction.SUBMIT)
    assert status is RegistrationStatus.RESUBMITTED
    assert next_status(status, RegistrationAction.APPROVE) is RegistrationStatus.APPROVED


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (RegistrationStatus.DRAFT, RegistrationAction.APPROVE),
        (RegistrationStatus.APPROVED, RegistrationAction.SUBMIT),
        (RegistrationStatus.APPROVED, RegistrationAction.REJECT),
        (RegistrationStatus.SUBMITTED, RegistrationAction.SUBMIT),
        (RegistrationStatus.REJECTED, RegistrationAction.APPROVE),
    ],
)
def test_illegal_status_moves_are_not_allowed(
    current: RegistrationStatus, action: RegistrationAction
) -> None:
    with pytest.raises(NotAllowed) as info:
        next_status(current, action)
    assert info.value.key == f"rules.status.cannot_{action.value}"
    assert t(info.value.key, **info.value.params)


def test_profile_edits_stop_once_approved() -> None:
    assert can_edit_profile(None)
    assert can_edit_profile(RegistrationStatus.REJECTED)
    assert not can_edit_profile(RegistrationStatus.APPROVED)


def test_every_rules_key_used_in_code_is_in_the_catalogue() -> None:
    core = Path(__file__).resolve().parents[2] / "core"
    source = "".join(
        (core / name).read_text(encoding="utf-8")
        for name in ("registration/eligibility.py", "quiz/scoring.py", "study/credit.py", "plans/windows.py")
    )
    keys = set(re.findall(r'"(rules\.[a-z_.]+)"', source))
    keys |= {f"rules.status.cannot_{a.value}" for a in RegistrationAction}
    keys |= {"rules.unmet.registration_not_yet", "rules.unmet.registration_closed"}
    assert len(keys) > 20
    assert keys <= set(catalogue())
