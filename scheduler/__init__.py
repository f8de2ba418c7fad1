"""Scheduled work (deadline notices, quiz time limits), built in post_init on the bot's event loop."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler

STOP_WAIT_SECONDS = 10.0


class DrainingExecutor(AsyncIOExecutor):  # type: ignore[misc]
    """APScheduler's asyncio executor whose running jobs can be awaited before the database closes."""

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109
        """Let running jobs finish, then cancel what is left and wait for the cancellations to settle."""
        running = [future for future in getattr(self, "_pending_futures", ()) if not future.done()]
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=timeout)
        for future in late:
            future.cancel()
        if late:
            await asyncio.wait(late, timeout=timeout)


class ProgrammeScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """The asyncio scheduler whose stop waits for running jobs (APScheduler's own shutdown cancels them)."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.draining = DrainingExecutor()
        super().__init__(
            timezone=timezone,
            executors={"default": self.draining},
            job_defaults={"coalesce": True, "misfire_grace_time": 3600},
        )

    async def stop(self, timeout: float = STOP_WAIT_SECONDS) -> None:  # noqa: ASYNC109
        """Stop firing, let running jobs finish, then shut down, so none is cut off mid-transaction."""
        if not self.running:
            return
        self.pause()
        await self.draining.drain(timeout)
        self.shutdown(wait=False)


def build_scheduler(timezone: ZoneInfo) -> ProgrammeScheduler:
    """Create the process's scheduler; jobs are added by the features that own them."""
    return ProgrammeScheduler(timezone)
