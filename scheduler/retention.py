"""The daily retention pass (core.privacy.retention) as an APScheduler job on the bot's loop."""

from __future__ import annotations

import logging

from apscheduler.triggers.cron import CronTrigger

from core.privacy import retention
from scheduler.services import JobServices

log = logging.getLogger(__name__)

JOB_ID = "privacy-retention"


async def run_retention(services: JobServices) -> list[retention.PlanRetention]:
    """Delete what plans past RETENTION_DAYS still hold, and log the anonymised counts."""
    today = services.clock().astimezone(services.settings.timezone).date()
    done = await retention.run(services.db, today, services.settings.retention_days, dry_run=False)
    if done:
        log.info("retention: %s", retention.describe(done, dry_run=False))
    return done


def schedule_retention(services: JobServices) -> None:
    """Run the pass every night at 03:30 local time (and catch up at start-up if a night was missed)."""
    if services.scheduler is None:
        return
    services.scheduler.add_job(
        run_retention, CronTrigger(hour=3, minute=30), args=[services], id=JOB_ID, replace_existing=True
    )
