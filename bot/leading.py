"""Scheduled work runs in the elected process only (core.db.leader), with its jobs derived from the database.

When this process is elected, every feature arms its jobs from what the database holds (quiz time limits of
open attempts, notices the plans call for) and the notices due meanwhile are issued, so a leader that died
loses nothing. While it leads, a resync every RESYNC arms what other processes started or changed since
(an attempt begun there, a plan edited there, with any notice that change made due), and old
applied-update records are pruned. When it steps
down, its scheduler is paused and emptied; the next leader derives everything again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.interval import IntervalTrigger

from bot.context import App, BotServices
from bot.handlers.quiz.chat import teller
from core.db import redelivery
from core.db.leader import Leadership
from scheduler import quiz_deadlines
from scheduler.jobs import reschedule
from scheduler.retention import schedule_retention

log = logging.getLogger(__name__)

RESYNC = timedelta(seconds=15)
RESYNC_JOB = "leader-resync"
PRUNE_JOB = "applied-updates-prune"
KEEP_RECORDS = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours
PRUNE_EVERY = timedelta(hours=6)


async def start_leadership(app: App) -> Leadership:
    """Campaign for the scheduler; on SQLite, and as a lone PostgreSQL process, this process leads at once."""
    services = app.bot_data

    async def elected() -> None:
        try:
            await _take_over(app)
        finally:  # leading even if a feature failed to arm its jobs (core.db.leader logs why)
            show_leadership(services, True)

    async def deposed() -> None:
        scheduler = services.scheduler
        if scheduler is not None and scheduler.running:
            scheduler.pause()
            scheduler.remove_all_jobs()
        show_leadership(services, False)

    leadership = Leadership(services.db, elected, deposed)
    services.leadership = leadership
    await leadership.start()
    return leadership


async def _take_over(app: App) -> None:
    services = app.bot_data
    scheduler = services.scheduler
    if scheduler is None:
        return
    scheduler.remove_all_jobs()  # whatever was added while following is derived again below
    await quiz_deadlines.arm_all(services, teller(app))
    schedule_retention(services)
    await reschedule(services)
    scheduler.add_job(
        _resync, IntervalTrigger(seconds=RESYNC.total_seconds()), args=[app], id=RESYNC_JOB, coalesce=True
    )
    scheduler.add_job(
        _prune,
        IntervalTrigger(seconds=PRUNE_EVERY.total_seconds()),
        args=[services],
        id=PRUNE_JOB,
        next_run_time=datetime.now(UTC),
    )
    scheduler.resume()


async def _resync(app: App) -> None:
    """Arm what other processes started or changed since the last pass."""
    await quiz_deadlines.arm_new(app.bot_data, teller(app))
    await reschedule(app.bot_data, quiet=True)


async def _prune(services: BotServices) -> None:
    try:
        await redelivery.forget_before(services.db, datetime.now(UTC) - KEEP_RECORDS)
    except Exception:
        log.exception("could not prune applied-update records")


def show_leadership(services: BotServices, leader: bool) -> None:
    """Keep /metrics' examiner_scheduler_leader in step with the election, so a takeover shows."""
    services.metrics.scheduler_leader.set(1 if leader else 0)
    log.debug("scheduler leader: %s", leader)
