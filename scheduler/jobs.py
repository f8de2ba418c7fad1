"""Scheduled notices as APScheduler jobs, derived from the plans in the database.

Each planned notice gets a one-off job at its time; every job runs the same idempotent pass
(`core.notices.service.issue_due`), issuing what is due and not recorded yet. The pass also runs at start-up,
so a notice whose time passed while the bot was down is sent late once (or skipped if its deadline has
passed), and every 10 minutes as a safety net. Call `reschedule(services)` whenever plan or batch dates
change.
"""

from __future__ import annotations

import logging

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.notices import service as notices
from scheduler.services import JobServices

log = logging.getLogger(__name__)

JOB_PREFIX = "notice:"
SWEEP_JOB = "notices-sweep"


async def issue_due(services: JobServices) -> notices.IssueSummary:
    """Issue what is due now and wake the delivery worker if anything was queued."""
    summary = await notices.issue_due(services.db, services.clock(), services.settings.timezone)
    if summary.issued and services.delivery is not None:
        services.delivery.wake()
    return summary


async def reschedule(services: JobServices, *, quiet: bool = False) -> int:
    """Replace the notice jobs with the schedule today's plans call for, then catch up on anything due.

    Only the scheduler's leader (bot.leading) keeps jobs; it re-derives them every few seconds, so a change
    made in another process reaches it without that process calling here.
    """
    scheduler = services.scheduler
    if scheduler is None or not services.is_leader:
        return 0
    now = services.clock()
    schedule = await notices.planned(services.db, services.settings.timezone)
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX):
            job.remove()
    future = [p for p in schedule if p.fire_at > now]
    for planned in future:
        scheduler.add_job(
            issue_due,
            DateTrigger(services.real_time(planned.fire_at)),
            args=[services],
            id=JOB_PREFIX + planned.key,
            replace_existing=True,
            misfire_grace_time=None,
        )
    if scheduler.get_job(SWEEP_JOB) is None:
        scheduler.add_job(issue_due, IntervalTrigger(minutes=10), args=[services], id=SWEEP_JOB)
    await issue_due(services)
    log.log(logging.DEBUG if quiet else logging.INFO, "notices: %d scheduled", len(future))
    return len(future)
