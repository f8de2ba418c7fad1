"""Which scheduled notices a plan's dates call for, and which are due now: pure, from plain dates.

Policy for the clock passing a notice's time while the bot was down: a notice whose deadline has not passed is
sent late, once; one whose deadline has passed is skipped (telling people a window closes when it already has
helps nobody). When several stages of the same deadline are overdue together (say the 3-day and the 1-day
reminder), only the latest is sent and the older ones are skipped, so nobody gets two reminders at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REGISTRATION_DAYS = (3, 1)
STUDY_DAYS = (7, 3, 1)
# study reminders before the last day can be muted; the day-before notice is a deadline notice and cannot
STUDY_MUTABLE_DAYS = frozenset({7, 3})
NOTICE_TIME = time(9, 0)
DIGEST_TIME = time(18, 0)

REGISTRATION = "registration_closing"
STUDY = "study_closing"
BATCH = "batch_reminder"
DIGEST = "digest"


@dataclass(frozen=True, slots=True)
class PlanDates:
    """The dates of a published plan."""

    plan_id: int
    registration_start: date
    registration_end: date
    study_start: date
    study_end: date


@dataclass(frozen=True, slots=True)
class BatchDates:
    """An offline batch with a day set."""

    batch_id: int
    day: date
    start_time: str | None


@dataclass(frozen=True, slots=True)
class PlannedNotice:
    """One scheduled notice: when it fires, until when it still makes sense, and what it supersedes."""

    key: str
    kind: str
    fire_at: datetime
    deadline: datetime
    group: str
    plan_id: int | None = None
    batch_id: int | None = None
    days: int = 0
    day: date | None = None


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


def _end_of(day: date, tz: ZoneInfo) -> datetime:
    return _at(day + timedelta(days=1), time(0, 0), tz)


def _start_time(raw: str | None) -> time:
    try:
        hours, minutes = (raw or "").split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return time(0, 0)


def plan_notices(
    plans: Iterable[PlanDates], batches: Iterable[BatchDates], tz: ZoneInfo
) -> list[PlannedNotice]:
    """Every scheduled notice the plans and batches call for, in firing order."""
    planned: list[PlannedNotice] = []
    digest_days: set[date] = set()
    for plan in plans:
        reg_end = _end_of(plan.registration_end, tz)
        group = f"reg:{plan.plan_id}:{plan.registration_end.isoformat()}"
        for days in REGISTRATION_DAYS:
            day = plan.registration_end - timedelta(days=days)
            planned.append(
                PlannedNotice(
                    f"{group}:{days}",
                    REGISTRATION,
                    _at(day, NOTICE_TIME, tz),
                    reg_end,
                    group,
                    plan_id=plan.plan_id,
                    days=days,
                    day=plan.registration_end,
                )
            )
        study_end = _end_of(plan.study_end, tz)
        group = f"study:{plan.plan_id}:{plan.study_end.isoformat()}"
        for days in STUDY_DAYS:
            day = plan.study_end - timedelta(days=days)
            planned.append(
                PlannedNotice(
                    f"{group}:{days}",
                    STUDY,
                    _at(day, NOTICE_TIME, tz),
                    study_end,
                    group,
                    plan_id=plan.plan_id,
                    days=days,
                    day=plan.study_end,
                )
            )
        span = (plan.study_end - plan.registration_start).days
        digest_days.update(plan.registration_start + timedelta(days=n) for n in range(span + 1))
    for batch in batches:
        starts = _at(batch.day, _start_time(batch.start_time), tz)
        key = f"batch:{batch.batch_id}:{batch.day.isoformat()}"
        planned.append(
            PlannedNotice(
                key,
                BATCH,
                _at(batch.day - timedelta(days=1), NOTICE_TIME, tz),
                starts,
                key,
                batch_id=batch.batch_id,
                day=batch.day,
            )
        )
    for day in digest_days:
        planned.append(
            PlannedNotice(
                f"digest:{day.isoformat()}",
                DIGEST,
                _at(day, DIGEST_TIME, tz),
                _end_of(day, tz),
                "digest",
                day=day,
            )
        )
    return sorted(planned, key=lambda p: (p.fire_at, p.key))


@dataclass(frozen=True, slots=True)
class DueNotices:
    """What to issue now, and what to record as skipped so it never fires later."""

    issue: tuple[PlannedNotice, ...]
    skip: tuple[PlannedNotice, ...]


def due(planned: Sequence[PlannedNotice], recorded: set[str], now: datetime) -> DueNotices:
    """Pick the notices to send now: fired, not recorded, deadline ahead, and the latest of their group."""
    groups: dict[str, list[PlannedNotice]] = defaultdict(list)
    for notice in planned:
        if notice.fire_at <= now:
            groups[notice.group].append(notice)
    issue: list[PlannedNotice] = []
    skip: list[PlannedNotice] = []
    for members in groups.values():
        members.sort(key=lambda p: p.fire_at)
        latest = members[-1]
        for notice in members:
            if notice.key in recorded:
                continue
            if notice is latest and now < notice.deadline:
                issue.append(notice)
            else:
                skip.append(notice)
    return DueNotices(tuple(issue), tuple(skip))


def days_left(deadline_day: date, now: datetime, tz: ZoneInfo) -> int:
    """Whole days from today (local) to the last day of a window: 0 on the last day itself."""
    return max((deadline_day - now.astimezone(tz).date()).days, 0)
