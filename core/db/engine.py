"""One engine per process, and a unit of work per use case that rolls back unless committed."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.db.update_marks import stamp


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


class UnitOfWork:
    """One transaction for one use case: `async with db.uow() as uow: …; await uow.commit()`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """Return the open session; only valid inside the `async with` block."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> Self:
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
            await session.close()
            self._session = None

    async def commit(self) -> None:
        """Make the use case's writes permanent, with the Telegram update it served recorded in the same
        transaction, so a redelivery of that update after a crash is recognised and not applied twice."""
        mark = await stamp(self.session)
        await self.session.commit()
        if mark is not None:
            mark.written = True


class Database:
    """The engine and its session factory, created in post_init and disposed in post_shutdown."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the backend is SQLite (it needs write serialisation in a few places)."""
        return self.engine.dialect.name == "sqlite"

    def uow(self) -> UnitOfWork:
        """Start a unit of work for one use case."""
        return UnitOfWork(self.sessions)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
