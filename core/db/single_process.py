"""SQLite serves one bot process: a second one on the same file is refused at start-up with a clear message.

Two processes on one SQLite file would each serialise their own users only, poll the same bot and fire every
scheduled job twice. An exclusive `flock` on a lock file beside the database says who owns it; the kernel
drops it when the owner exits, however it dies, so a crashed bot never blocks its own restart.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class AnotherProcess(Exception):
    """Another bot process already owns this SQLite database."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"另一个机器人进程正在使用 SQLite 数据库 {path}：SQLite 只能由一个进程使用，请先停止那个进程，"
            "或改用 PostgreSQL（DATABASE_URL）运行多个进程。 / another bot process is using the SQLite "
            f"database {path}: stop it first, or use PostgreSQL (DATABASE_URL) to run several processes."
        )
        self.path = path


class ProcessLock:
    """The held lock; `release()` (or the process's end) lets the next process in."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        """Drop the lock and close its file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def claim_sqlite(url: str) -> ProcessLock | None:
    """Own the SQLite file behind `url` for this process (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    database = Path(parsed.database).resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    lock_path = database.with_name(database.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AnotherProcess(database) from None
    return ProcessLock(fd)
