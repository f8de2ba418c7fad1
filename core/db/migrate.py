"""Apply Alembic migrations at start-up, and let developers autogenerate new ones.

Usage: python -m core.db.migrate upgrade | revision "what changed"
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.engine import create_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision inside one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(_config(sync), "head"))


async def _revision(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/schema.db")
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.run_sync(
                lambda sync: command.revision(_config(sync), message=message, autogenerate=True)
            )
        await engine.dispose()


def main(argv: list[str]) -> int:
    """Run `upgrade` against DATABASE_URL or autogenerate a `revision` against a scratch database."""
    if len(argv) >= 2 and argv[0] == "revision":
        asyncio.run(_revision(" ".join(argv[1:])))
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
