"""Which bot process runs scheduled jobs: the one holding a PostgreSQL advisory lock on its own connection.

Scheduled notices and quiz time limits must fire in one process, not once per process. Every process tries
`pg_try_advisory_lock` every `retry` seconds on a connection of its own (autocommit, outside the pool); the
one that gets it leads until its connection ends. PostgreSQL drops a session's advisory locks the moment
its connection closes, so when the leader dies (SIGKILL included) the next try of another process wins,
within `retry` seconds. The leader checks its connection as often; if the check fails it steps down at once,
because the server may already have given the lock to someone else. The jobs themselves are derived from the
database (plans, open attempts), so a new leader re-derives them and nothing is lost.

SQLite has one process (core.db.single_process), which always leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from core.db import Database

log = logging.getLogger(__name__)

# Advisory lock keys share one space with the per-person locks (Telegram user ids, all positive).
SCHEDULER_LOCK = -0x5C4E_D01E
Hook = Callable[[], Awaitable[None]]


class Leadership:
    """Run `elected` when this process becomes the leader and `deposed` when it stops being one."""

    def __init__(
        self, db: Database, elected: Hook, deposed: Hook, *, retry: float = 2.0, key: int = SCHEDULER_LOCK
    ) -> None:
        self._db = db
        self._elected = elected
        self._deposed = deposed
        self._retry = retry
        self._key = key
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._first_try = asyncio.Event()
        self.is_leader = False

    async def start(self, first_try_within: float = 30.0) -> None:
        """Lead at once on SQLite; on PostgreSQL make a first try, then keep campaigning in the background."""
        if self._db.is_sqlite:
            await self._become(True)
            return
        self._task = asyncio.create_task(self._campaign(), name="scheduler-leadership")
        try:  # a lone process leads before it serves anyone; a database slow to answer does not hold start-up
            await asyncio.wait_for(self._first_try.wait(), timeout=first_try_within)
        except TimeoutError:
            log.warning("scheduler leadership: no answer from the database yet; trying in the background")

    async def stop(self) -> None:
        """Step down (closing the connection hands the lock on) and stop campaigning."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self._become(False)

    async def _campaign(self) -> None:
        engine = create_async_engine(self._db.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            while not self._stopping.is_set():
                try:
                    async with engine.connect() as connection:
                        await self._hold(connection)
                except Exception as error:  # the database went away: whoever still reaches it leads
                    log.warning("scheduler leadership: connection lost (%s); trying again", error)
                self._first_try.set()
                await self._become(False)
                await self._pause()
        finally:
            await engine.dispose()

    async def _hold(self, connection: AsyncConnection) -> None:
        """Try for the lock until it is ours, then keep checking the connection that holds it."""
        while not self._stopping.is_set():
            if not self.is_leader:
                won = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
                if won:
                    await self._become(True)
                self._first_try.set()
            else:
                await connection.scalar(text("SELECT 1"))
            await self._pause()
        if self.is_leader:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})

    async def _pause(self) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=self._retry)
        except TimeoutError:
            pass

    async def _become(self, leader: bool) -> None:
        if leader == self.is_leader:
            return
        self.is_leader = leader
        log.info("scheduler leadership: %s", "this process leads" if leader else "stepped down")
        try:
            await (self._elected() if leader else self._deposed())
        except Exception:
            log.exception("scheduler leadership: the %s hook failed", "elected" if leader else "deposed")
