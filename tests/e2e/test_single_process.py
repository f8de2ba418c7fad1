"""SQLite serves one bot process: a second `python -m bot` on the same file is refused with a clear line."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from core.db.single_process import claim_sqlite
from tests.e2e.harness import TOKEN, BotHarness

ROOT = Path(__file__).resolve().parents[2]


async def run_second_bot(bot: BotHarness, database_url: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_URL": bot.emulator.base_url,
        "DATABASE_URL": database_url,
        "WEB_PORT": "0",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=120)
    return int(proc.returncode or 0), stderr.decode()


async def test_a_second_process_on_the_same_sqlite_file_is_refused_and_says_why(
    bot: BotHarness, database_url: str, database_backend: str
) -> None:
    if database_backend != "sqlite":
        return  # PostgreSQL is where several processes belong
    code, said = await run_second_bot(bot, database_url)
    assert code == 2
    assert "另一个机器人进程正在使用 SQLite 数据库" in said and "PostgreSQL" in said
    user = bot.user(3201, "张三")
    await user.send_command("/help")
    assert (await user.next_message()).content  # the first process goes on serving

    await bot.stop()
    lock = claim_sqlite(database_url)  # once it stopped, the file is free for the next process
    assert lock is not None
    lock.release()
