"""Tell the people whose deadline a plan edit moved: one outbox notice each, in the edit's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Notice, Plan
from core.notices import audiences, outbox
from core.plans.rules import PlanDraft
from core.plans.windows import Window
from core.texts import t

KIND = "plan_change"


async def _concerned(session: AsyncSession, plan: Plan, window: str) -> list[audiences.Person]:
    """The people the window's closing notices are for (the same audiences core.notices.service uses)."""
    if window == "registration":
        return await audiences.registration_unfinished(session, plan.id)
    if window == "study":
        return await audiences.study_behind(session, plan, include_muted=True)
    return await audiences.waiting_for_training(session, plan.id)


def _still_relevant(
    old: tuple[date | None, date | None], new: tuple[date | None, date | None], now: datetime, tz: ZoneInfo
) -> bool:
    """A window moved entirely in the past concerns nobody any more."""
    ends = [end for end in (old[1], new[1]) if end is not None]
    return any(now < Window.from_dates(end, end, tz).closes for end in ends)


def _line(window: str, start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return t(f"plans.moved.{window}_cleared")
    return t(f"plans.moved.{window}", start=start, end=end)


async def tell_moved(
    session: AsyncSession,
    plan: Plan,
    before: PlanDraft,
    moved: Sequence[str],
    now: datetime,
    tz: ZoneInfo,
) -> int:
    """Queue one notice per affected person listing every window of theirs that moved; return how many."""
    lines: dict[int, tuple[int, list[str]]] = {}
    for window in moved:
        old = getattr(before, f"{window}_start"), getattr(before, f"{window}_end")
        new = getattr(plan, f"{window}_start"), getattr(plan, f"{window}_end")
        if not _still_relevant(old, new, now, tz):
            continue
        line = _line(window, *new)
        for person in await _concerned(session, plan, window):
            lines.setdefault(person.user_id, (person.chat_id, []))[1].append(line)
    if not lines:
        return 0
    notice = Notice(
        key=f"{KIND}:{plan.id}:{uuid.uuid4().hex}",
        kind=KIND,
        audience={"plan_id": plan.id, "moved": list(moved)},
        created_at=now,
    )
    session.add(notice)
    await session.flush()
    header = t("plans.moved.header", plan=plan.name)
    recipients = [
        outbox.Recipient(user_id, chat_id, "\n".join([header, *items, t("plans.moved.footer")]))
        for user_id, (chat_id, items) in sorted(lines.items())
    ]
    return await outbox.queue(session, notice.id, recipients)
