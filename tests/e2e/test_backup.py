"""A backup taken while the bot is writing holds every row committed before it began, and the copy serves."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from sqlalchemy import select

from core.db import Database
from core.db.backup import pg_dump_command
from core.db.migrate import upgrade
from core.db.models import User
from core.db.readiness import database_problem
from emulator import BotApiEmulator, EmulatedUser
from tests.e2e.harness import BotHarness

WRITERS = 6


async def _migrated(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()
    return url


async def _backup(url: str, target: Path) -> str:
    """Run the command an operator runs, as its own process."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "core.db.backup",
        str(target),
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_backup_taken_while_people_keep_writing_restores_every_committed_row(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    url = await _migrated(tmp_path / "live.db")
    bot = BotHarness(emulator, url)
    await bot.start()
    greeted: list[int] = []  # users whose /start was answered: their row was committed before the reply
    backed_up = asyncio.Event()

    async def writer(first_id: int) -> None:
        user_id = first_id
        while not backed_up.is_set():
            person: EmulatedUser = bot.user(user_id, f"考生{user_id}")
            await person.send_command("/start")
            await person.next_message()
            greeted.append(user_id)
            user_id += WRITERS

    writers = [asyncio.create_task(writer(70_000 + n)) for n in range(WRITERS)]
    try:
        for _ in range(1000):
            if len(greeted) >= 20:
                break
            await asyncio.sleep(0.01)
        committed_before = set(greeted)
        target = tmp_path / "backups" / "examiner.db"
        printed = await _backup(url, target)
        assert "备份完成" in printed
        backed_up.set()
        await asyncio.gather(*writers)
    finally:
        backed_up.set()
        await bot.stop()
    assert len(greeted) > len(committed_before)  # the writers went on while the copy was being made

    restored_path = tmp_path / "restored.db"
    shutil.copyfile(target, restored_path)  # restoring is putting the copy where the database lives
    restored = Database(f"sqlite+aiosqlite:///{restored_path}")
    try:
        assert await database_problem(restored) is None  # schema at head
        async with restored.uow() as uow:
            present = set((await uow.session.scalars(select(User.telegram_id))).all())
    finally:
        await restored.dispose()
    assert committed_before <= present
    assert present <= set(greeted)  # nothing half-written or from nowhere

    again = BotHarness(emulator, f"sqlite+aiosqlite:///{restored_path}")
    await again.start()
    try:
        someone = again.user(min(committed_before))
        await someone.send_command("/help")
        assert (await someone.next_message()).content
    finally:
        await again.stop()


def test_for_postgresql_the_pg_dump_command_is_given_without_the_password() -> None:
    command = pg_dump_command("postgresql+asyncpg://bot:s3cret@db.internal:5433/examiner", Path("/b/x.dump"))
    assert command == [
        "pg_dump",
        "--format=custom",
        "--file=/b/x.dump",
        "--host=db.internal",
        "--port=5433",
        "--username=bot",
        "examiner",
    ]
    assert not any("s3cret" in part for part in command)
