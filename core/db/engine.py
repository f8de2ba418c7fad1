"""One engine per process, and a unit of work per use case that rolls back unless committed.

On PostgreSQL several bot processes may share the database. While an update is handled, `CURRENT_PERSON`
names its sender, and every transaction of that unit of work first takes a transaction-scoped advisory lock
on them (`pg_advisory_xact_lock`): another process serving the same person's next update (or a redelivery
of this one) waits for the commit, sees what it wrote, and applies its own step after it. The lock goes with
the transaction, so a crash can never leave it held. SQLite needs none: one process owns the file.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction

from core.db.update_marks import StampingSession

# The Telegram user whose update is being handled (set by bot.apply_once), and the one this task's open unit
# of work already holds the advisory lock on, so a unit of work opened inside it does not wait on itself.
CURRENT_PERSON: ContextVar[int | None] = ContextVar("current_person", default=None)
_HOLDING_PERSON: ContextVar[int | None] = ContextVar("holding_person_lock", default=None)
_PERSON_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL and foreign keys on every new SQLite connection, as SQLite defaults them off."""
    # Let SQLAlchemy, not the driver, emit BEGIN, so _begin_immediate below decides its kind.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")  # under overload, wait for the writer rather than fail
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock at BEGIN: a deferred transaction that reads, then writes after another
    connection committed fails with "database is locked" at once, whatever busy_timeout says."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    """Build the process's engine; SQLite files get their folder and pragmas, PostgreSQL a pool."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class PersonLockingSession(StampingSession):
    """A PostgreSQL session that, when its unit of work serves a person, locks them in each transaction."""


@event.listens_for(PersonLockingSession, "after_begin")
def _lock_person(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    """Take the person's advisory lock first thing in the transaction (held until commit or rollback)."""
    person = session.info.get("person")
    if person is not None:
        connection.execute(_PERSON_LOCK, {"key": person})


# Set while a task holds a SQLite gate, so a unit of work opened inside another one does not wait on itself.
_HOLDING_GATE: ContextVar[asyncio.Lock | None] = ContextVar("holding_sqlite_gate", default=None)


class UnitOfWork:
    """One transaction for one use case: `async with db.uow() as uow: …; await uow.commit()`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gate: asyncio.Lock | None = None,
        *,
        lock_people: bool = False,
    ) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._gate = gate
        self._gate_token: Token[asyncio.Lock | None] | None = None
        self._lock_people = lock_people
        self._person_token: Token[int | None] | None = None

    @property
    def session(self) -> AsyncSession:
        """Return the open session; only valid inside the `async with` block."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> Self:
        gate = self._gate
        if gate is not None and _HOLDING_GATE.get() is not gate:
            await gate.acquire()
            self._gate_token = _HOLDING_GATE.set(gate)
        self._session = self._sessions()
        person = CURRENT_PERSON.get()
        if self._lock_people and person is not None and _HOLDING_PERSON.get() != person:
            self._session.sync_session.info["person"] = person
            self._person_token = _HOLDING_PERSON.set(person)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            await session.rollback()
        finally:
            try:
                await session.close()
            finally:
                self._session = None
                if self._person_token is not None:
                    _HOLDING_PERSON.reset(self._person_token)
                    self._person_token = None
                if self._gate_token is not None:
                    _HOLDING_GATE.reset(self._gate_token)
                    self._gate_token = None
                    assert self._gate is not None
                    self._gate.release()

    async def commit(self) -> None:
        """Make the use case's writes permanent (StampingSession adds the Telegram update it served)."""
        await self.session.commit()


class Database:
    """The engine and its session factory, created in post_init and disposed in post_shutdown."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        # every commit also records the Telegram update being handled, so a redelivery is not applied twice
        session_class = StampingSession if self.engine.dialect.name == "sqlite" else PersonLockingSession
        self.sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=session_class
        )
        # SQLite has one writer at a time: units of work queue here, handed on at once, rather than in
        # SQLite's busy handler, which polls with sleeps of up to 100 ms (other processes still meet that).
        self._gate = asyncio.Lock() if self.engine.dialect.name == "sqlite" else None

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the backend is SQLite (it needs write serialisation in a few places)."""
        return self.engine.dialect.name == "sqlite"

    def uow(self) -> UnitOfWork:
        """Start a unit of work for one use case."""
        return UnitOfWork(self.sessions, self._gate, lock_people=not self.is_sqlite)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
