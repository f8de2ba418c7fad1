"""A plan's number, name, occupations and windows are checked from plain text, naming the field at fault."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import InvalidInput
from core.rules import (
    PlanDraft,
    moved_windows,
    parse_occupations,
    parse_plan_draft,
    parse_plan_no,
    parse_window,
    plan_phase,
)
from core.texts import t

SHANGHAI = ZoneInfo("Asia/Shanghai")

FIELDS = {
    "plan_no": "2026120000000019",
    "name": "2026年技能人才评价考评员培训",
    "occupations": "电工、焊工，砌筑工\n信息通信网络运行管理员",
    "registration_start": "2026-07-30",
    "registration_end": "2026年8月16日",
    "study_start": "2026/7/30",
    "study_end": "20260827",
}


def refused(fields: dict[str, str]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_plan_draft(fields)
    t(caught.value.key, **caught.value.params)  # every refusal has a text that fills
    return caught.value


def test_a_plan_from_the_notice_parses_with_every_separator() -> None:
    draft = parse_plan_draft(FIELDS)
    assert draft.occupations == ("电工", "焊工", "砌筑工", "信息通信网络运行管理员")
    assert draft.registration_end == date(2026, 8, 16)
    assert draft.training_start is None
    assert parse_plan_draft(draft.as_fields()) == draft


def test_until_aug_16_means_through_the_end_of_that_day_in_shanghai() -> None:
    windows = parse_plan_draft(FIELDS).windows(SHANGHAI)
    assert windows.registration.is_open(datetime(2026, 8, 16, 23, 59, tzinfo=SHANGHAI))
    assert not windows.registration.is_open(datetime(2026, 8, 17, 0, 0, tzinfo=SHANGHAI))


@pytest.mark.parametrize("raw", ["202012000000001", "20201200000000199", "2020-1200-0000-0019", "abc"])
def test_a_plan_number_must_be_sixteen_digits(raw: str) -> None:
    assert refused({**FIELDS, "plan_no": raw}).params["field"] == "plan_no"


def test_full_width_digits_in_a_plan_number_are_read() -> None:
    assert parse_plan_no("２０２０１２００００００００１９") == "2020120000000019"


def test_an_impossible_date_names_its_field() -> None:
    error = refused({**FIELDS, "registration_end": "2026-02-30"})
    assert (error.key, error.params["field"]) == ("plans.bad.date", "registration_end")


def test_a_reversed_window_is_refused() -> None:
    error = refused({**FIELDS, "registration_start": "2026-08-20"})
    assert (error.key, error.params["field"]) == ("plans.bad.window_reversed", "registration_end")


def test_study_may_not_end_before_registration_opens() -> None:
    error = refused({**FIELDS, "study_start": "2026-07-01", "study_end": "2026-07-20"})
    assert (error.key, error.params["field"]) == ("plans.bad.study_before_registration", "study_end")


def test_a_one_day_window_is_allowed() -> None:
    assert parse_plan_draft({**FIELDS, "registration_end": "2026-07-30"}).registration_end == date(
        2026, 7, 30
    )


def test_the_training_period_is_both_days_or_none_and_after_study_opens() -> None:
    with_training = {**FIELDS, "training_start": "2026-09-05", "training_end": "2026-09-20"}
    assert parse_plan_draft(with_training).training_end == date(2026, 9, 20)
    assert refused({**FIELDS, "training_start": "2026-09-05"}).params["field"] == "training_end"
    early = {**FIELDS, "training_start": "2026-07-01", "training_end": "2026-07-02"}
    assert refused(early).key == "plans.bad.training_before_study"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "plans.bad.missing"),
        ("、，", "plans.bad.occupations_empty"),
        ("电工 焊工", "plans.bad.occupation_format"),
        ("电工/焊工", "plans.bad.occupation_format"),
        ("电工、焊工、电工", "plans.bad.occupation_twice"),
        ("电" * 31, "plans.bad.occupation_long"),
        ("、".join(f"工种{i}" for i in range(51)), "plans.bad.occupations_many"),
    ],
)
def test_occupation_lists_in_an_unknown_format_are_refused(raw: str, key: str) -> None:
    assert refused({**FIELDS, "occupations": raw}).key == key


def test_occupations_keep_full_width_brackets() -> None:
    assert parse_occupations("电子商务师（跨境）; 焊工") == ("电子商务师（跨境）", "焊工")


def test_a_missing_field_is_named_in_chinese() -> None:
    fields = dict(FIELDS)
    del fields["name"]
    error = refused(fields)
    assert "计划名称" in t(error.key, **error.params)


@pytest.mark.parametrize(
    "raw", ["2026-07-30 至 2026-08-16", "2026/7/30~2026/8/16", "2026年7月30日到2026年8月16日"]
)
def test_a_window_is_typed_on_one_line(raw: str) -> None:
    assert parse_window(raw, "registration") == (date(2026, 7, 30), date(2026, 8, 16))


def test_a_window_without_two_dates_says_how_to_type_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_window("2026-07-30", "registration")
    assert caught.value.key == "plans.bad.window_format"


def test_an_edit_says_which_windows_moved() -> None:
    before = parse_plan_draft(FIELDS)
    after = PlanDraft(**{**before.__dict__, "registration_end": date(2026, 8, 18)})
    assert moved_windows(before, after) == ("registration",)
    assert moved_windows(before, before) == ()


def test_a_plan_is_upcoming_open_then_closed_by_its_dates() -> None:
    draft = parse_plan_draft(FIELDS)
    assert plan_phase("published", draft, datetime(2026, 7, 29, 12, tzinfo=SHANGHAI), SHANGHAI) == "upcoming"
    assert plan_phase("published", draft, datetime(2026, 8, 27, 23, tzinfo=SHANGHAI), SHANGHAI) == "open"
    assert plan_phase("published", draft, datetime(2026, 8, 28, 0, tzinfo=SHANGHAI), SHANGHAI) == "closed"
    assert plan_phase("archived", draft, datetime(2026, 8, 1, tzinfo=SHANGHAI), SHANGHAI) == "archived"
