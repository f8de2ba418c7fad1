"""`python -m core.db.backup TARGET`: a consistent copy of the live database, taken while the bot writes.

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies the whole file in one step inside one
read transaction, so the copy is the database as of one instant: every transaction committed before it
began is in, none is half in. In WAL mode the bot's writers are not blocked meanwhile. The copy is written
beside the target, checked with `PRAGMA integrity_check`, and only then moved into place.

PostgreSQL: `pg_dump` is the tool (a consistent snapshot too); for a postgresql URL this prints the command
to run (the password comes from PGPASSWORD or ~/.pgpass, never from the command line).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from core.settings import Settings, SettingsError
from core.texts import t


class BackupError(RuntimeError):
    """The backup could not be made; the message says why and what to do."""


def sqlite_backup(source: Path, target: Path) -> int:
    """Copy a live SQLite database to `target` atomically; return the number of pages copied."""
    if not source.is_file():
        raise BackupError(t("ops.backup.no_database", path=source))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    live = sqlite3.connect(
        source, timeout=30
    )  # read-write, as a WAL reader needs the -shm file; it writes nothing
    try:
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy)  # pages=-1: one step, one snapshot
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        live.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(t("ops.backup.corrupt", verdict=verdict))
    os.replace(partial, target)
    return pages


def pg_dump_command(database_url: str, target: Path) -> list[str]:
    """Give the pg_dump call (custom format, for pg_restore) for a PostgreSQL URL, without its password."""
    url = make_url(database_url)
    command = ["pg_dump", "--format=custom", f"--file={target}"]
    if url.host:
        command.append(f"--host={url.host}")
    if url.port:
        command.append(f"--port={url.port}")
    if url.username:
        command.append(f"--username={url.username}")
    command.append(str(url.database or ""))
    return command


def _database_url(given: str | None) -> str:
    if given:
        return given
    from dotenv import dotenv_values

    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    return Settings.from_env(values).database_url


def main(argv: list[str] | None = None) -> int:
    """Back up DATABASE_URL (or --database-url) to TARGET; for PostgreSQL print the pg_dump command."""
    parser = argparse.ArgumentParser(prog="python -m core.db.backup", description=t("ops.backup.description"))
    parser.add_argument("target", type=Path)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    try:
        url = _database_url(args.database_url)
    except SettingsError as error:
        print(f"配置错误 / configuration error: {error}", file=sys.stderr)
        return 2
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        print(t("ops.backup.use_pg_dump"), file=sys.stderr)
        print(shlex.join(pg_dump_command(url, args.target)))
        return 0
    if not parsed.database or parsed.database == ":memory:":
        print(t("ops.backup.no_database", path=parsed.database or ":memory:"), file=sys.stderr)
        return 2
    try:
        pages = sqlite_backup(Path(parsed.database), args.target)
    except (BackupError, sqlite3.Error) as error:
        print(str(error), file=sys.stderr)
        return 1
    print(t("ops.backup.done", target=args.target, pages=pages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
