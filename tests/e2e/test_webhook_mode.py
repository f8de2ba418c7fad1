"""Webhook mode: the bot registers its webhook, refuses strangers and garbage, loses nothing while down."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from bot.polling import ALLOWED_UPDATES
from core.db import Database
from core.db.models import ProcessedUpdate
from tests.e2e.harness import WEBHOOK_SECRET, BotHarness

pytestmark = pytest.mark.parametrize("bot_mode", ["webhook"], indirect=True)

HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    person = {"id": user_id, "is_bot": False, "first_name": "陌生人"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "陌生人"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}] if text[0] == "/" else [],
        },
    }


async def test_the_bot_registers_its_webhook_with_secret_updates_and_connections(bot: BotHarness) -> None:
    queue = bot.emulator.updates
    assert queue.webhook_url == bot.settings.webhook_url
    assert queue.webhook_secret == WEBHOOK_SECRET
    assert queue.allowed_updates == frozenset(ALLOWED_UPDATES)
    assert queue.webhook_max_connections == bot.settings.webhook_max_connections == 40
    user = bot.user(5101, "张三")
    await user.send_command("/start")
    assert "个人信息" in (await user.next_message()).content


async def test_a_request_without_the_right_secret_is_refused_and_changes_nothing(
    bot: BotHarness, db: Database
) -> None:
    url = bot.settings.webhook_url
    assert url is not None
    async with ClientSession() as session:
        for headers in ({}, {HEADER: "wrong"}, {HEADER: WEBHOOK_SECRET + "x"}):
            async with session.post(url, json=_update(900_001, 5102, "/start"), headers=headers) as response:
                assert response.status == 403
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0
    assert bot.emulator.user(5102).messages == []


async def test_an_unreadable_update_is_a_400_and_the_bot_goes_on(bot: BotHarness) -> None:
    url = bot.settings.webhook_url
    assert url is not None
    headers = {HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
    async with ClientSession() as session:
        for body in (b"{not json", b"[1, 2]", json.dumps({"update_id": "x"}).encode(), b"\xff\xfe"):
            async with session.post(url, data=body, headers=headers) as response:
                assert response.status == 400
    user = bot.user(5103, "李四")
    await user.send_command("/help")
    assert (await user.next_message()).content


async def test_a_retry_arriving_while_the_first_delivery_is_in_hand_waits_for_it_and_is_not_redone(
    bot: BotHarness,
) -> None:
    url = bot.settings.webhook_url
    assert url is not None
    person = bot.emulator.user(5104, "陌生人", started=True)

    async def post(session: ClientSession) -> int:
        async with session.post(
            url, json=_update(800_001, 5104, "/help"), headers={HEADER: WEBHOOK_SECRET}
        ) as response:
            return response.status

    async with ClientSession() as session:  # Telegram retrying after its timeout, while the first is handled
        assert await asyncio.gather(post(session), post(session)) == [200, 200]
    assert "/start" in (await person.next_message()).content
    await person.expect_silence(0.3)


async def test_an_update_posted_again_after_its_200_is_recognised_and_not_redone(bot: BotHarness) -> None:
    url = bot.settings.webhook_url
    assert url is not None
    person = bot.emulator.user(5105, "陌生人", started=True)
    async with ClientSession() as session:
        for _ in range(2):  # Telegram sending again because the first 200 never reached it
            async with session.post(
                url, json=_update(800_002, 5105, "/help"), headers={HEADER: WEBHOOK_SECRET}
            ) as response:
                assert response.status == 200
    assert "/start" in (await person.next_message()).content
    assert "无需重做" in (await person.next_message()).content
    await person.expect_silence(0.3)


async def test_updates_sent_while_the_bot_is_down_arrive_once_it_is_back(bot: BotHarness) -> None:
    users = [bot.user(5110 + n, f"考生{n}") for n in range(4)]
    await bot.stop()
    for user in users:
        await user.send_command("/help")
    await bot.start()
    for user in users:
        assert (await user.next_message()).content
        await user.expect_silence(0.2)
    assert bot.emulator.webhook.failures > 0  # refused while down, retried until answered
    assert bot.emulator.updates.webhook_info()["pending_update_count"] == 0
