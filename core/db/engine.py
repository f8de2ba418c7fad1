"""One engine per process, and a unit of work per use case that rolls back unless committed."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.db.update_marks import StampingSession


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


# Set while a task holds a SQLite gate, so a unit of work opened inside another one does not wait on itself.
_HOLDING_GATE: ContextVar[asyncio.Lock | None] = ContextVar("holding_sqlite_gate", default=None)


class UnitOfWork:
    """One transaction for one use case: `async with db.uow() as uow: …; await uow.commit()`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], gate: asyncio.Lock | None = None) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._gate = gate
        self._gate_token: Token[asyncio.Lock | None] | None = None

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
        self.sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=StampingSession
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
        return UnitOfWork(self.sessions, self._gate)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
