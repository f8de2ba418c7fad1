"""Test databases: a migrated SQLite template copied per test, or one fresh PostgreSQL database per run."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import Database
from core.db.migrate import upgrade
from core.db.models import Base

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()


@contextmanager
def sqlite_template(folder: Path) -> Iterator[Path]:
    """Migrate one SQLite file per run; tests copy it instead of migrating again."""
    path = folder / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    yield path


def sqlite_copy(template: Path, folder: Path) -> str:
    """Give a test its own database file, migrated."""
    target = folder / "bot.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def _admin(statement: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a database of our own for this run (runs in parallel never collide), migrated, dropped after."""
    name = f"examiner_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except OSError as error:
        raise RuntimeError(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({error}); start it or run the SQLite leg only"
        ) from error
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def truncate_all(url: str) -> None:
    """Empty every table between PostgreSQL tests, restarting ids, so each test starts clean."""
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()
