"""What a valid exam plan (考评计划) is: its number, name, occupations and windows, checked from plain values.

Every refusal is an InvalidInput whose params carry `field` (one of PLAN_FIELDS), so the bot's dialog can ask
again for that one value and an importer can name the column. Dates are the plan's local (Asia/Shanghai)
calendar days and a window runs through the end of its last day (core.plans.windows.Window.from_dates).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.normalise import clean_text
from core.plans.windows import PlanWindows, Window
from core.profile.identity import parse_date
from core.texts import t

PLAN_NO_DIGITS = 16
NAME_MAX = 60
NAME_MIN = 4
OCCUPATION_MAX = 30
OCCUPATIONS_MAX = 50
# what separates occupations in one typed line or cell: 、 ， , ； ; and line breaks
OCCUPATION_SEPARATORS = "、，,；;\n"
_SEPARATOR_RE = re.compile(r"[、，,；;\r\n]+")
_WINDOW_SPLIT = re.compile(r"\s*(?:至|到|~|～|—+|－|--|\s-\s)\s*")
_OCCUPATION_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()·\-]")

PLAN_FIELDS: tuple[str, ...] = (
    "plan_no",
    "name",
    "occupations",
    "registration_start",
    "registration_end",
    "study_start",
    "study_end",
    "training_start",
    "training_end",
)
DATE_FIELDS: tuple[str, ...] = PLAN_FIELDS[3:]
OPTIONAL_FIELDS = frozenset({"training_start", "training_end"})


@dataclass(frozen=True)
class PlanDraft:
    """A plan's staff-editable facts, already validated together."""

    plan_no: str
    name: str
    occupations: tuple[str, ...]
    registration_start: date
    registration_end: date
    study_start: date
    study_end: date
    training_start: date | None = None
    training_end: date | None = None

    def windows(self, tz: ZoneInfo) -> PlanWindows:
        """The registration and study windows as aware instants in the plan's time zone."""
        return PlanWindows(
            Window.from_dates(self.registration_start, self.registration_end, tz),
            Window.from_dates(self.study_start, self.study_end, tz),
        )

    def as_fields(self) -> dict[str, str]:
        """The draft as the text fields parse_plan_draft reads back (ISO dates, occupations joined by 、)."""
        values: dict[str, str] = {
            "plan_no": self.plan_no,
            "name": self.name,
            "occupations": "、".join(self.occupations),
        }
        for name in DATE_FIELDS:
            day = getattr(self, name)
            values[name] = day.isoformat() if day is not None else ""
        return values


def _clean(raw: str, field: str) -> str:
    return clean_text(raw, code=True, field=field)


def parse_plan_no(raw: str) -> str:
    """The portal's plan number: 16 digits, e.g. 2020120000000019 (full-width digits and spaces tolerated)."""
    text = re.sub(r"\s+", "", _clean(raw, "plan_no"))
    if not text.isascii() or not text.isdigit() or len(text) != PLAN_NO_DIGITS:
        raise InvalidInput("plans.bad.plan_no", field="plan_no", value=raw.strip()[:40], length=len(text))
    return text


def parse_name(raw: str) -> str:
    """A plan name staff and candidates read, one line of 4–60 characters without control characters."""
    text = clean_text(raw, field="name")
    if not NAME_MIN <= len(text) <= NAME_MAX:
        raise InvalidInput("plans.bad.name", field="name", min=NAME_MIN, max=NAME_MAX, length=len(text))
    return text


def parse_occupations(raw: str) -> tuple[str, ...]:
    """Occupations (工种) separated by 、 ， , ； ; or line breaks; each a plain name, none twice."""
    items = [
        item.strip() for item in _SEPARATOR_RE.split(clean_text(raw, multiline=True, field="occupations"))
    ]
    names = [item for item in items if item]
    if not names:
        raise InvalidInput("plans.bad.occupations_empty", field="occupations")
    for name in names:
        if len(name) > OCCUPATION_MAX:
            raise InvalidInput(
                "plans.bad.occupation_long", field="occupations", name=name[:40], max=OCCUPATION_MAX
            )
        if not all(_OCCUPATION_CHAR.fullmatch(c) for c in name):
            raise InvalidInput("plans.bad.occupation_format", field="occupations", name=name[:40])
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInput("plans.bad.occupation_twice", field="occupations", name=name)
        seen.add(name)
    if len(names) > OCCUPATIONS_MAX:
        raise InvalidInput(
            "plans.bad.occupations_many", field="occupations", count=len(names), max=OCCUPATIONS_MAX
        )
    return tuple(names)


def parse_day(raw: str, field: str) -> date:
    """One calendar day typed as 2026-07-30, 2026/7/30, 2026年7月30日 or 20260730; impossible days refused."""
    day = parse_date(_clean(raw, field))
    if day is None:
        raise InvalidInput("plans.bad.date", field=field, value=raw.strip()[:30])
    return day


def parse_window(raw: str, field: str) -> tuple[date, date]:
    """A window typed on one line, e.g. `2026-07-30 至 2026-08-16`; the end day is included."""
    parts = [p for p in _WINDOW_SPLIT.split(_clean(raw, f"{field}_start")) if p]
    if len(parts) != 2:
        raise InvalidInput("plans.bad.window_format", field=f"{field}_start", value=raw.strip()[:40])
    start = parse_day(parts[0], f"{field}_start")
    end = parse_day(parts[1], f"{field}_end")
    check_order(field, start, end)
    return start, end


def check_order(window: str, start: date, end: date) -> None:
    """A window ends on or after the day it opens (a one-day window ends on its first day)."""
    if end < start:
        raise InvalidInput(
            "plans.bad.window_reversed",
            field=f"{window}_end",
            window=window,
            start=start,
            end=end,
        )


def check_windows(
    registration: tuple[date, date],
    study: tuple[date, date],
    training: tuple[date, date] | None,
) -> None:
    """The windows fit together: each in order, study not ending before registration opens, training after."""
    check_order("registration", *registration)
    check_order("study", *study)
    if study[1] < registration[0]:
        raise InvalidInput(
            "plans.bad.study_before_registration",
            field="study_end",
            study_end=study[1],
            registration_start=registration[0],
        )
    if training is not None:
        check_order("training", *training)
        if training[0] < study[0]:
            raise InvalidInput(
                "plans.bad.training_before_study",
                field="training_start",
                training_start=training[0],
                study_start=study[0],
            )


def _training(fields: Mapping[str, str]) -> tuple[date, date] | None:
    start_raw = (fields.get("training_start") or "").strip()
    end_raw = (fields.get("training_end") or "").strip()
    if not start_raw and not end_raw:
        return None
    if not start_raw or not end_raw:
        missing = "training_start" if not start_raw else "training_end"
        raise InvalidInput("plans.bad.training_half", field=missing)
    return parse_day(start_raw, "training_start"), parse_day(end_raw, "training_end")


def parse_plan_draft(fields: Mapping[str, str]) -> PlanDraft:
    """Validate a whole plan from text fields keyed by PLAN_FIELDS; the training period is optional."""
    for name in PLAN_FIELDS:
        if name not in OPTIONAL_FIELDS and not (fields.get(name) or "").strip():
            raise InvalidInput("plans.bad.missing", field=name, label=t(f"plans.field.{name}"))
    plan_no = parse_plan_no(fields["plan_no"])
    name = parse_name(fields["name"])
    occupations = parse_occupations(fields["occupations"])
    registration = (
        parse_day(fields["registration_start"], "registration_start"),
        parse_day(fields["registration_end"], "registration_end"),
    )
    study = parse_day(fields["study_start"], "study_start"), parse_day(fields["study_end"], "study_end")
    training = _training(fields)
    check_windows(registration, study, training)
    return PlanDraft(
        plan_no=plan_no,
        name=name,
        occupations=occupations,
        registration_start=registration[0],
        registration_end=registration[1],
        study_start=study[0],
        study_end=study[1],
        training_start=training[0] if training else None,
        training_end=training[1] if training else None,
    )


def moved_windows(before: PlanDraft, after: PlanDraft) -> tuple[str, ...]:
    """Which windows (registration, study, training) an edit moved, in that order."""
    moved = []
    for window in ("registration", "study", "training"):
        old = (getattr(before, f"{window}_start"), getattr(before, f"{window}_end"))
        new = (getattr(after, f"{window}_start"), getattr(after, f"{window}_end"))
        if old != new:
            moved.append(window)
    return tuple(moved)


def plan_phase(status: str, draft: PlanDraft, now: datetime, tz: ZoneInfo) -> str:
    """Where a plan stands for staff lists: open, upcoming, closed (by staff or by its dates) or archived."""
    if status in ("archived", "closed"):
        return status
    windows = draft.windows(tz)
    if now < windows.registration.opens and now < windows.study.opens:
        return "upcoming"
    last = max(d for d in (draft.study_end, draft.registration_end, draft.training_end) if d is not None)
    if now >= Window.from_dates(last, last, tz).closes:
        return "closed"
    return "open"
