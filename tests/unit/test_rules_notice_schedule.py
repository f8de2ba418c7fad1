"""Which scheduled notices the plan dates call for, and which of them are due at a given moment."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.notices.schedule import (
    BATCH,
    DIGEST,
    REGISTRATION,
    STUDY,
    BatchDates,
    PlanDates,
    days_left,
    due,
    plan_notices,
)

TZ = ZoneInfo("Asia/Shanghai")
PLAN = PlanDates(1, date(2026, 7, 30), date(2026, 8, 16), date(2026, 7, 30), date(2026, 8, 27))


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_registration_closing_fires_three_days_and_one_day_before_at_nine() -> None:
    planned = [p for p in plan_notices([PLAN], [], TZ) if p.kind == REGISTRATION]
    assert [(p.days, p.fire_at) for p in planned] == [(3, at(8, 13, 9)), (1, at(8, 15, 9))]
    assert all(p.deadline == at(8, 17) for p in planned)


def test_study_closing_fires_seven_three_and_one_day_before_the_end() -> None:
    planned = [p for p in plan_notices([PLAN], [], TZ) if p.kind == STUDY]
    assert [p.fire_at for p in planned] == [at(8, 20, 9), at(8, 24, 9), at(8, 26, 9)]


def test_batch_reminder_fires_the_day_before_and_expires_when_the_batch_starts() -> None:
    planned = [p for p in plan_notices([], [BatchDates(7, date(2026, 9, 5), "08:30")], TZ) if p.kind == BATCH]
    assert [(p.fire_at, p.deadline) for p in planned] == [(at(9, 4, 9), at(9, 5, 8, 30))]


def test_a_digest_goes_out_every_evening_while_a_plan_runs() -> None:
    digests = [p for p in plan_notices([PLAN], [], TZ) if p.kind == DIGEST]
    assert len(digests) == 29
    assert digests[0].fire_at == at(7, 30, 18) and digests[-1].fire_at == at(8, 27, 18)


def test_moving_the_deadline_gives_new_keys_so_the_new_dates_get_their_own_notices() -> None:
    moved = PlanDates(1, PLAN.registration_start, date(2026, 8, 20), PLAN.study_start, PLAN.study_end)
    old = {p.key for p in plan_notices([PLAN], [], TZ) if p.kind == REGISTRATION}
    new = {p.key for p in plan_notices([moved], [], TZ) if p.kind == REGISTRATION}
    assert not old & new


def test_nothing_is_due_before_its_time() -> None:
    chosen = due(plan_notices([PLAN], [], TZ), set(), at(7, 30, 17, 59))
    assert chosen.issue == () and chosen.skip == ()


def test_a_due_notice_is_issued_once_and_not_again_once_recorded() -> None:
    planned = plan_notices([PLAN], [], TZ)
    first = due(planned, set(), at(8, 13, 9))
    keys = {p.key for p in first.issue}
    assert "reg:1:2026-08-16:3" in keys
    again = due(planned, keys | {p.key for p in first.skip}, at(8, 13, 9, 5))
    assert again.issue == () and again.skip == ()


def test_a_notice_missed_while_down_is_sent_late_if_its_deadline_is_ahead() -> None:
    chosen = due([p for p in plan_notices([PLAN], [], TZ) if p.kind == REGISTRATION], set(), at(8, 14, 10))
    assert [p.key for p in chosen.issue] == ["reg:1:2026-08-16:3"]


def test_only_the_latest_of_several_missed_stages_is_sent_and_the_older_are_skipped() -> None:
    chosen = due([p for p in plan_notices([PLAN], [], TZ) if p.kind == REGISTRATION], set(), at(8, 16, 8))
    assert [p.key for p in chosen.issue] == ["reg:1:2026-08-16:1"]
    assert [p.key for p in chosen.skip] == ["reg:1:2026-08-16:3"]


def test_a_notice_whose_deadline_passed_while_down_is_skipped_not_sent() -> None:
    chosen = due([p for p in plan_notices([PLAN], [], TZ) if p.kind == REGISTRATION], set(), at(8, 17, 0, 1))
    assert chosen.issue == ()
    assert {p.key for p in chosen.skip} == {"reg:1:2026-08-16:3", "reg:1:2026-08-16:1"}


def test_days_left_counts_local_calendar_days_to_the_last_day() -> None:
    assert days_left(date(2026, 8, 16), at(8, 13, 9), TZ) == 3
    assert days_left(date(2026, 8, 16), at(8, 16, 23) - timedelta(hours=1), TZ) == 0
