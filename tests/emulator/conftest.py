"""Fixtures for the emulator's own tests: an emulator, a raw HTTP client and a real PTB Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot

from emulator import BotApiEmulator

TOKEN = "123456:TEST"


class Api:
    """Calls Bot API methods over raw HTTP and returns (status, decoded JSON body)."""

    def __init__(self, session: aiohttp.ClientSession, emu: BotApiEmulator) -> None:
        self.session = session
        self.emu = emu

    async def call(self, method: str, token: str = TOKEN, **params: Any) -> tuple[int, dict[str, Any]]:
        url = f"http://127.0.0.1:{self.emu.port}/bot{token}/{method}"
        async with self.session.post(url, json=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns when RetryAfter.retry_after is an int; opt in to timedelta (warnings are errors)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(token=TOKEN, bot_username="examiner_test_bot")
    await emulator.start(host="127.0.0.1", port=0)
    yield emulator
    await emulator.stop()


@pytest.fixture
async def api(emu: BotApiEmulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, emu)


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A real python-telegram-bot ``Bot`` talking to the emulator."""
    ptb_bot = Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url)
    await ptb_bot.initialize()
    yield ptb_bot
    await ptb_bot.shutdown()
