"""Whether the database can serve: reachable, and its schema at the migration heads this code expects."""

from __future__ import annotations

from functools import cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from core.db import Database
from core.db.migrate import MIGRATIONS


@cache
def script_heads() -> frozenset[str]:
    """Return the migration heads shipped with this code (read once: the files do not change while running)"""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


async def applied_heads(db: Database) -> frozenset[str]:
    """Return the revisions recorded in the database's alembic_version table."""
    async with db.engine.connect() as connection:
        rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(row[0]) for row in rows)


async def database_problem(db: Database) -> str | None:
    """Say what keeps the database from serving this code, or None when it can."""
    try:
        applied = await applied_heads(db)
    except Exception as error:  # unreachable, refused, or no schema at all
        return f"database unreachable or not migrated: {type(error).__name__}"
    expected = script_heads()
    if applied != expected:
        missing = ", ".join(sorted(expected - applied)) or "-"
        unknown = ", ".join(sorted(applied - expected)) or "-"
        return f"migrations not at head (missing {missing}; unknown {unknown})"
    return None
