"""Scheduled work (deadline notices, quiz time limits), built in post_init on the bot's event loop."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler

STOP_WAIT_SECONDS = 10.0


class DrainingExecutor(AsyncIOExecutor):  # type: ignore[misc]  # apscheduler ships no types
    """APScheduler's asyncio executor, whose running jobs can be awaited before the database closes."""

    async def drain(self, seconds: float) -> None:
        """Let running jobs finish, then cancel what is left and wait for the cancellations to settle."""
        running = [future for future in getattr(self, "_pending_futures", ()) if not future.done()]
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=seconds)
        for future in late:
            future.cancel()
        if late:
            await asyncio.wait(late, timeout=seconds)


class ProgrammeScheduler(AsyncIOScheduler):  # type: ignore[misc]  # apscheduler ships no types
    """The asyncio scheduler with a stop that waits for running jobs (APScheduler's shutdown cancels them)."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.draining = DrainingExecutor()
        super().__init__(
            timezone=timezone,
            executors={"default": self.draining},
            job_defaults={"coalesce": True, "misfire_grace_time": 3600},
        )

    async def stop(self, seconds: float = STOP_WAIT_SECONDS) -> None:
        """Stop firing and let running jobs finish before shutting down, so none is cut mid-transaction."""
        if not self.running:
            return
        self.pause()
        await self.draining.drain(seconds)
        self.shutdown(wait=False)


def build_scheduler(timezone: ZoneInfo) -> ProgrammeScheduler:
    """Create the process's scheduler; jobs are added by the features that own them."""
    return ProgrammeScheduler(timezone)
