"""What the sandbox clock can jump to: the next close of a published plan's window."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import WindowClose, next_close
from core.db import Database
from core.db.models import Plan
from core.plans.windows import PlanWindows, Window


async def next_window_close(db: Database, now: datetime, tz: ZoneInfo) -> WindowClose | None:
    """The earliest registration or study close after `now` among published plans."""
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(
                select(
                    Plan.plan_no,
                    Plan.registration_start,
                    Plan.registration_end,
                    Plan.study_start,
                    Plan.study_end,
                ).where(Plan.status == "published")
            )
        ).all()
    plans = [
        (plan_no, PlanWindows(Window.from_dates(rs, re, tz), Window.from_dates(ss, se, tz)))
        for plan_no, rs, re, ss, se in rows
    ]
    return next_close(plans, now)
