"""Quiz time limits as APScheduler jobs: each open attempt is handed in at its deadline by the server clock.

The leader arms one job per open attempt when it takes over (`arm_all`), picks up attempts begun in other
processes every few seconds (`arm_new`), and sweeps every 5 minutes for any whose job did not run. The result
message is queued in the outbox with the hand-in itself; what else the candidate's chat needs (the old
question's buttons taken away) is the front end's part: it passes `tell`, called with what
`core.quiz.service.auto_submit` returned.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from core.quiz import service as quiz
from scheduler.services import JobServices

log = logging.getLogger(__name__)

SWEEP_JOB = "quiz-deadline-sweep"
Tell = Callable[[quiz.AutoSubmitted], Awaitable[None]]


def job_id(attempt_id: int) -> str:
    """The one job of an attempt, so arming it twice replaces rather than doubles it."""
    return f"quiz-deadline:{attempt_id}"


def schedule(services: JobServices, attempt_id: int, deadline: datetime, tell: Tell) -> None:
    """Hand the attempt in at its deadline by the server clock, even if the candidate has gone."""
    if services.scheduler is None or not services.is_leader:  # the leader arms it at its next resync
        return
    run_at = services.real_time(max(deadline, services.clock()))
    services.scheduler.add_job(
        deadline_reached,
        "date",
        run_date=run_at,
        args=[services, attempt_id, tell],
        id=job_id(attempt_id),
        replace_existing=True,
        misfire_grace_time=None,
    )


async def deadline_reached(services: JobServices, attempt_id: int, tell: Tell) -> None:
    """Submit an attempt whose time is up, then let the front end tell the candidate the result."""
    done = await quiz.auto_submit(services.db, attempt_id, now=services.clock())
    if done is None:
        still_open = dict(await quiz.due_attempts(services.db))
        if attempt_id in still_open:  # woke before the server clock reached the deadline
            schedule(services, attempt_id, still_open[attempt_id], tell)
        return
    log.info("attempt %s submitted at its time limit for user %s", attempt_id, done.telegram_id)
    if services.delivery is not None:  # the result message was queued with the hand-in
        services.delivery.wake()
    await tell(done)


async def sweep(services: JobServices, tell: Tell) -> None:
    """Safety net: hand in any attempt past its deadline whose own job did not run."""
    now = services.clock()
    for attempt_id, deadline in await quiz.due_attempts(services.db):
        if deadline <= now:
            await deadline_reached(services, attempt_id, tell)


async def arm_new(services: JobServices, tell: Tell) -> None:
    """Arm the time limit of attempts begun in another process since the last pass (bot.leading)."""
    scheduler = services.scheduler
    if scheduler is None:
        return
    for attempt_id, deadline in await quiz.due_attempts(services.db):
        if scheduler.get_job(job_id(attempt_id)) is None:
            schedule(services, attempt_id, deadline, tell)


async def arm_all(services: JobServices, tell: Tell) -> None:
    """Re-arm every open attempt when this process starts leading; overdue ones are handed in at once."""
    for attempt_id, deadline in await quiz.due_attempts(services.db):
        schedule(services, attempt_id, deadline, tell)
    if services.scheduler is not None:
        services.scheduler.add_job(
            sweep, "interval", minutes=5, args=[services, tell], id=SWEEP_JOB, replace_existing=True
        )
