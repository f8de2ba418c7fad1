"""Online study credit: server-clock time inside the study window, capped per module, not self-reported."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from core.plans.windows import Window

REQUIRED_MINUTES = 180
ZERO = timedelta(0)


def credit_for_session(
    opened_at: datetime,
    finished_at: datetime,
    module_minutes: int,
    already_credited: timedelta,
    window: Window,
) -> timedelta:
    """Credit earned by one open-to-finish session: time inside the window, capped at the module length."""
    remaining = timedelta(minutes=module_minutes) - already_credited
    if remaining <= ZERO or finished_at <= opened_at:
        return ZERO
    return min(window.clip(opened_at, finished_at), remaining)


def module_done(credited: timedelta, module_minutes: int) -> bool:
    """A module is done once its whole length is credited."""
    return credited >= timedelta(minutes=module_minutes)


def study_refusal(window: Window, now: datetime) -> str | None:
    """Modules open only inside the study window: the catalogue key saying why not, or None when open."""
    state = window.state(now)
    return None if state == "open" else f"study.window_{state}"


def total_credit(credits: Iterable[timedelta]) -> int:
    """Whole minutes credited across all modules (rounded down: the quiz needs the full time)."""
    total = sum(credits, ZERO)
    return max(int(total.total_seconds() // 60), 0)


def quiz_unlocked(total_minutes: int, required: int = REQUIRED_MINUTES) -> bool:
    """The online quiz opens once the required study time is reached."""
    return total_minutes >= required


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A text bar like "▓▓▓▓▓▓░░░░ 120/180"; the catalogue adds the unit and sentence."""
    shown = min(max(done, 0), total) if total > 0 else max(done, 0)
    filled = width if total <= 0 else shown * width // total
    return f"{'▓' * filled}{'░' * (width - filled)} {shown}/{total}"
