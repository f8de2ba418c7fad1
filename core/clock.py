"""The sandbox clock: real time plus an offset that only moves forward, so people can skip waiting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from core.errors import InvalidInput
from core.plans.windows import PlanWindows

WindowName = Literal["registration", "study"]


class SandboxClock:
    """Tell the time as the server clock does, moved forward by what the sandbox user asked for."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        if offset < timedelta(0):
            raise ValueError("the sandbox clock never runs behind the real one")
        self.offset = offset

    def __call__(self) -> datetime:
        """Return the sandbox's "now" (timezone-aware UTC)."""
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta`; time never goes back, since the database already holds what happened."""
        if delta <= timedelta(0):
            raise InvalidInput("sandbox.clock.backwards")
        self.offset += delta
        return self()

    def advance_to(self, moment: datetime) -> datetime:
        """Move forward to `moment` (refused if it is not in the sandbox's future)."""
        return self.advance(moment - self())


@dataclass(frozen=True, slots=True)
class WindowClose:
    """The next instant a plan's window closes."""

    closes: datetime
    plan_no: str
    window: WindowName


def next_close(plans: Iterable[tuple[str, PlanWindows]], now: datetime) -> WindowClose | None:
    """The earliest registration or study window close still ahead of `now`, or None if all are past."""
    ahead: list[WindowClose] = []
    for plan_no, windows in plans:
        if windows.registration.closes > now:
            ahead.append(WindowClose(windows.registration.closes, plan_no, "registration"))
        if windows.study.closes > now:
            ahead.append(WindowClose(windows.study.closes, plan_no, "study"))
    return min(ahead, key=lambda close: close.closes, default=None)
