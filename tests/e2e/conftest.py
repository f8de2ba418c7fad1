"""End-to-end fixtures: the emulator on a free port and the bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import BotApiEmulator
from tests.e2e.harness import TOKEN, BotHarness


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """Telegram as the bot sees it; per-chat bursts are generous so long flows run at test speed."""
    emu = BotApiEmulator(token=TOKEN, bot_username="examiner_test_bot", per_chat_burst=200)
    await emu.start(host="127.0.0.1", port=0)
    yield emu
    await emu.stop()


@pytest.fixture
async def bot(emulator: BotApiEmulator, database_url: str) -> AsyncIterator[BotHarness]:
    """The real Application, started against the emulator on this test's database."""
    harness = BotHarness(emulator, database_url)
    await harness.start()
    yield harness
    await harness.stop()
