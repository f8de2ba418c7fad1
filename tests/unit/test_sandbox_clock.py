"""The sandbox clock only moves forward, and finds the next window close among plans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.clock import SandboxClock, next_close
from core.errors import InvalidInput
from core.plans.windows import PlanWindows, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")


def windows(reg: tuple[date, date], study: tuple[date, date]) -> PlanWindows:
    return PlanWindows(Window.from_dates(*reg, SHANGHAI), Window.from_dates(*study, SHANGHAI))


def test_the_sandbox_clock_runs_ahead_by_what_was_asked() -> None:
    clock = SandboxClock()
    before = datetime.now(UTC)
    clock.advance(timedelta(hours=3))
    assert clock() - before >= timedelta(hours=3)
    assert clock.offset == timedelta(hours=3)


def test_the_sandbox_clock_cannot_go_back() -> None:
    clock = SandboxClock(timedelta(days=1))
    with pytest.raises(InvalidInput) as refused:
        clock.advance(timedelta(minutes=-5))
    assert refused.value.key == "sandbox.clock.backwards"
    with pytest.raises(InvalidInput):
        clock.advance_to(datetime.now(UTC))
    assert clock.offset == timedelta(days=1)


def test_the_next_close_is_the_earliest_window_still_ahead() -> None:
    now = datetime(2026, 12, 10, 12, 0, tzinfo=SHANGHAI)
    plans = [
        ("A", windows((date(2026, 12, 1), date(2026, 12, 5)), (date(2026, 12, 1), date(2026, 12, 30)))),
        ("B", windows((date(2026, 12, 1), date(2026, 12, 20)), (date(2026, 12, 1), date(2026, 12, 25)))),
    ]
    close = next_close(plans, now)
    assert close is not None
    assert (close.plan_no, close.window) == ("B", "registration")
    assert close.closes == datetime(2026, 12, 21, 0, 0, tzinfo=SHANGHAI)


def test_there_is_no_next_close_when_every_window_has_closed() -> None:
    now = datetime(2027, 1, 1, tzinfo=SHANGHAI)
    plans = [("A", windows((date(2026, 12, 1), date(2026, 12, 5)), (date(2026, 12, 1), date(2026, 12, 30))))]
    assert next_close(plans, now) is None
