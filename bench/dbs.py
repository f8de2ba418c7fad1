"""A fresh, migrated database per benchmark run: a SQLite file, or a PostgreSQL database dropped after."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import Database
from core.db.migrate import upgrade

PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")


async def _admin(statement: str) -> None:
    engine = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[str]:
    """Yield the URL of an empty, migrated database of `backend` (sqlite|postgresql); remove it afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench_") as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            await _migrate(url)
            yield url
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        url = f"{PG_SERVER}/{name}"
        await _migrate(url)
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()
