"""Scheduled work (deadline notices, quiz time limits), built in post_init on the bot's event loop."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def build_scheduler(timezone: ZoneInfo) -> AsyncIOScheduler:
    """Create the process's scheduler; jobs are added by the features that own them."""
    return AsyncIOScheduler(timezone=timezone, job_defaults={"coalesce": True, "misfire_grace_time": 3600})
