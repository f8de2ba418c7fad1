"""End-to-end fixtures: the emulator on a free port and the bot polling it (or taking its webhook requests).

A test or module marked `webhook` runs twice: with the bot long polling, and with the emulator POSTing every
update to the bot's webhook.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import BotApiEmulator
from tests.e2e.harness import TOKEN, BotHarness, Mode


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bot_mode" in metafunc.fixturenames and metafunc.definition.get_closest_marker("webhook"):
        metafunc.parametrize("bot_mode", ["polling", "webhook"], indirect=True)


@pytest.fixture
def bot_mode(request: pytest.FixtureRequest) -> Mode:
    """How the bot receives updates: polling unless the test is marked `webhook` (then both)."""
    return getattr(request, "param", "polling")  # type: ignore[no-any-return]


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """Telegram as the bot sees it; per-chat bursts are generous so long flows run at test speed."""
    emu = BotApiEmulator(
        token=TOKEN, bot_username="examiner_test_bot", per_chat_burst=200, webhook_retry_base=0.05
    )
    await emu.start(host="127.0.0.1", port=0)
    yield emu
    await emu.stop()


@pytest.fixture
async def bot(emulator: BotApiEmulator, database_url: str, bot_mode: Mode) -> AsyncIterator[BotHarness]:
    """The real Application, started against the emulator on this test's database."""
    harness = BotHarness(emulator, database_url, bot_mode)
    await harness.start()
    yield harness
    await harness.stop()
