"""A plan's time windows: local days in, aware instants out; "until Aug 16" means all of that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from core.errors import InvalidInput

WindowState = Literal["not_yet", "open", "closed"]


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval [opens, closes) of timezone-aware instants."""

    opens: datetime
    closes: datetime

    def __post_init__(self) -> None:
        """Naive datetimes are a programming error; an empty window is a staff input error."""
        if self.opens.tzinfo is None or self.closes.tzinfo is None:
            raise ValueError("window bounds must be timezone-aware")
        if self.closes <= self.opens:
            raise InvalidInput("rules.window_order", start=self.opens, end=self.closes)

    @classmethod
    def from_dates(cls, start: date, end: date, tz: tzinfo) -> Window:
        """From the first to the last calendar day inclusive, in the plan's local time zone."""
        if end < start:
            raise InvalidInput("rules.window_order", start=start, end=end)
        opens = datetime.combine(start, time(0), tz)
        closes = datetime.combine(end + timedelta(days=1), time(0), tz)
        return cls(opens, closes)

    @property
    def first_day(self) -> date:
        """The first local day, for messages."""
        return self.opens.date()

    @property
    def last_day(self) -> date:
        """The last local day that is still inside the window, for messages."""
        return (self.closes.astimezone(self.opens.tzinfo) - timedelta(microseconds=1)).date()

    def is_open(self, now: datetime) -> bool:
        """True from the opening instant up to, not including, the closing instant."""
        return self.opens <= now < self.closes

    def state(self, now: datetime) -> WindowState:
        """Where `now` falls relative to the window, to pick the right message."""
        if now < self.opens:
            return "not_yet"
        return "open" if now < self.closes else "closed"

    def clip(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) lies inside the window."""
        overlap = min(end, self.closes) - max(start, self.opens)
        return max(overlap, timedelta(0))


@dataclass(frozen=True, slots=True)
class PlanWindows:
    """The two windows every exam plan publishes: registration, and online study with its quiz."""

    registration: Window
    study: Window
