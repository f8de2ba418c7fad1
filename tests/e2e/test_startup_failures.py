"""`python -m bot` stops with one line naming the setting, and exit code 2, when it cannot start."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:START-UP-test-token-000000000"
OTHER_TOKEN = "654321:another-bot-token-0000000000"


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, settings: dict[str, str]) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "WEB_PORT": "0",
        "LOG_LEVEL": "INFO",
        **settings,
    }


async def _start_bot(tmp_path: Path, **settings: str) -> tuple[int, list[str]]:
    """Run the real entry point in its own process, from a folder without a .env, and read what it says."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=_env(tmp_path, settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=240)
    lines = [line for line in (out + err).decode().splitlines() if line.strip()]
    assert process.returncode is not None
    return process.returncode, lines


def _assert_one_line(code: int, lines: list[str], *needles: str) -> None:
    assert code == 2, lines
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    for needle in needles:
        assert needle in lines[0], lines


async def test_an_unreachable_bot_api_names_bot_api_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/bot"
    code, lines = await _start_bot(tmp_path, BOT_API_URL=url)
    _assert_one_line(code, lines, "启动失败", "无法连接 Bot API", "BOT_API_URL", url)


async def test_a_token_the_bot_api_refuses_names_bot_token(tmp_path: Path) -> None:
    emulator = BotApiEmulator(token=OTHER_TOKEN, bot_username="startup_test_bot")
    await emulator.start()
    try:
        code, lines = await _start_bot(tmp_path, BOT_API_URL=emulator.base_url)
    finally:
        await emulator.stop()
    _assert_one_line(code, lines, "启动失败", "401", "BOT_TOKEN")
    assert TOKEN not in lines[0] and TOKEN.split(":")[1] not in lines[0]


async def test_a_database_that_cannot_be_opened_names_database_url(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    emulator = BotApiEmulator(token=TOKEN, bot_username="startup_test_bot")
    await emulator.start()
    try:
        url = f"sqlite+aiosqlite:///{tmp_path}/a-file/examiner.db"
        code, lines = await _start_bot(tmp_path, BOT_API_URL=emulator.base_url, DATABASE_URL=url)
    finally:
        await emulator.stop()
    _assert_one_line(code, lines, "启动失败", "无法打开数据库", "DATABASE_URL", "a-file/examiner.db")


async def test_a_postgresql_password_is_not_printed(tmp_path: Path) -> None:
    emulator = BotApiEmulator(token=TOKEN, bot_username="startup_test_bot")
    await emulator.start()
    try:
        url = f"postgresql+asyncpg://someone:s3cret-pw@127.0.0.1:{_closed_port()}/examiner"
        code, lines = await _start_bot(tmp_path, BOT_API_URL=emulator.base_url, DATABASE_URL=url)
    finally:
        await emulator.stop()
    _assert_one_line(code, lines, "无法打开数据库", "DATABASE_URL", "someone")
    assert "s3cret-pw" not in lines[0]


async def _log_until_ready(tmp_path: Path, emulator: BotApiEmulator, level: str) -> list[str]:
    """Start the bot for real, collect its log up to the ready line, then stop it with SIGTERM."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=_env(tmp_path, {"BOT_API_URL": emulator.base_url, "LOG_LEVEL": level}),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        while not any("ready as @" in line for line in lines):
            raw = await asyncio.wait_for(process.stderr.readline(), timeout=240)
            assert raw, lines
            lines.append(raw.decode().rstrip())
    finally:
        process.terminate()
        await process.wait()
    return lines


async def test_alembic_start_up_lines_are_debug_detail(tmp_path: Path) -> None:
    emulator = BotApiEmulator(token=TOKEN, bot_username="startup_test_bot")
    await emulator.start()
    try:
        info = await _log_until_ready(_folder(tmp_path / "info"), emulator, "INFO")
        debug = await _log_until_ready(_folder(tmp_path / "debug"), emulator, "DEBUG")
    finally:
        await emulator.stop()
    assert not [line for line in info if "alembic" in line], info
    migration_lines = [line for line in debug if "alembic.runtime.migration" in line]
    assert migration_lines and all(" DEBUG alembic" in line for line in migration_lines), migration_lines
