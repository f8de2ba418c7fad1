"""One process leads the scheduler: on PostgreSQL whoever holds the advisory lock, taken over when it dies."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from core.db import Database
from core.db.leader import SCHEDULER_LOCK, Leadership


class Follower:
    """A process's view of its own leadership, as the scheduler hooks see it."""

    def __init__(self, db: Database, name: str, log: list[str]) -> None:
        self.changed = asyncio.Event()
        self.leadership = Leadership(db, self._elected, self._deposed, retry=0.2)
        self.name, self.log = name, log

    async def _elected(self) -> None:
        self.log.append(f"{self.name} leads")
        self.changed.set()

    async def _deposed(self) -> None:
        self.log.append(f"{self.name} steps down")
        self.changed.set()

    async def until_changed(self) -> None:
        await asyncio.wait_for(self.changed.wait(), timeout=60)
        self.changed.clear()


async def test_the_only_process_on_sqlite_always_leads(db: Database) -> None:
    if not db.is_sqlite:
        return
    log: list[str] = []
    only = Follower(db, "a", log)
    await only.leadership.start()
    assert only.leadership.is_leader
    await only.leadership.stop()
    assert log == ["a leads", "a steps down"]


async def test_one_of_two_processes_leads_and_the_other_takes_over_when_it_stops(
    database_url: str, database_backend: str
) -> None:
    if database_backend != "postgresql":
        return
    first_db, second_db = Database(database_url), Database(database_url)
    log: list[str] = []
    first, second = Follower(first_db, "a", log), Follower(second_db, "b", log)
    try:
        await first.leadership.start()
        await second.leadership.start()
        assert first.leadership.is_leader and not second.leadership.is_leader
        await first.leadership.stop()
        await second.until_changed()
        assert second.leadership.is_leader
        assert log == ["a leads", "a steps down", "b leads"]
    finally:
        await first.leadership.stop()
        await second.leadership.stop()
        await first_db.dispose()
        await second_db.dispose()


async def test_a_leader_whose_connection_dies_steps_down_and_another_takes_over(
    database_url: str, database_backend: str
) -> None:
    if database_backend != "postgresql":
        return
    first_db, second_db = Database(database_url), Database(database_url)
    log: list[str] = []
    first, second = Follower(first_db, "a", log), Follower(second_db, "b", log)
    try:
        await first.leadership.start()
        await second.leadership.start()
        first.changed.clear()  # "a leads" is not the change awaited below: its stepping down is
        async with first_db.engine.connect() as admin:  # the leader's backend goes, as when its process dies
            killed = await admin.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND objid = :low"
                    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"low": SCHEDULER_LOCK & 0xFFFF_FFFF},
            )
            assert killed == 1
        await second.until_changed()
        assert second.leadership.is_leader
        await first.until_changed()
        assert not first.leadership.is_leader
        assert sorted(log[1:]) == ["a steps down", "b leads"]
    finally:
        await first.leadership.stop()
        await second.leadership.stop()
        await first_db.dispose()
        await second_db.dispose()
