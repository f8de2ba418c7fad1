"""Apply Alembic migrations at start-up, and let developers autogenerate new ones.

Usage:
    python -m core.db.migrate upgrade
    python -m core.db.migrate revision REV_ID "what changed"   # e.g. 0003_study "study and quiz"

Feature migrations branch from BRANCH_POINT and upgrade applies every head, so features developed side by side
never fight over one chain; one that needs another feature's tables names it in `depends_on`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.engine import create_engine

MIGRATIONS = Path(__file__).with_name("migrations")
BRANCH_POINT = "0002_candidates_staff"


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision inside one transaction."""
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, lambda sync: command.upgrade(_config(sync), "heads"))


async def downgrade(engine: AsyncEngine, target: str) -> None:
    """Step the schema back to `target` (e.g. `0013b_plan_content-1`), as tests of a migration do."""
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, lambda sync: command.downgrade(_config(sync), target))


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a pragma outside any transaction, where SQLite honours it."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _migrate(connection: Connection, step: Callable[[Connection], None]) -> None:
    """SQLite rebuilds a table to change its constraints: foreign keys are off meanwhile, then checked."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_pragma(connection, "foreign_keys=OFF")
    try:
        with connection.begin():
            step(connection)
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("a migration left rows pointing at rows that do not exist")
    finally:
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys=ON")


async def _revision(rev_id: str, message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/schema.db")
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.run_sync(
                lambda sync: command.revision(
                    _config(sync),
                    message=message,
                    autogenerate=True,
                    rev_id=rev_id,
                    head=BRANCH_POINT,
                    splice=True,
                )
            )
        await engine.dispose()


def main(argv: list[str]) -> int:
    """Run `upgrade` against DATABASE_URL or autogenerate a `revision` against a scratch database."""
    if len(argv) >= 3 and argv[0] == "revision":
        asyncio.run(_revision(argv[1], " ".join(argv[2:])))
        return 0
    if argv == ["upgrade"]:
        import os

        from core.settings import Settings

        settings = Settings.from_env(os.environ)

        async def run() -> None:
            engine = create_engine(settings.database_url)
            await upgrade(engine)
            await engine.dispose()

        asyncio.run(run())
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
