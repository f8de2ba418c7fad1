"""The Bot API as seen over raw HTTP: routing, request encodings, long polling, webhooks."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from emulator import BotApiEmulator
from tests.emulator.conftest import Api


async def test_a_wrong_token_is_unauthorized(api: Api) -> None:
    status, body = await api.call("getMe", token="999:WRONG")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_not_found(api: Api) -> None:
    status, body = await api.call("sendTelepathy")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive_and_get_works(api: Api, emu: BotApiEmulator) -> None:
    assert (await api.ok("GETME"))["username"] == "examiner_test_bot"
    async with api.session.get(f"{emu.base_url}{emu.token}/getme") as response:
        body = await response.json()
    assert body["result"] == {
        **emu.bot_user,
        **{k: body["result"][k] for k in body["result"] if k not in emu.bot_user},
    }
    assert body["result"]["is_bot"] is True and body["result"]["id"] == 123456


async def test_urlencoded_and_multipart_parameters_are_coerced(api: Api, emu: BotApiEmulator) -> None:
    emu.user(1001, started=True)
    markup = json.dumps({"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]})
    form = {"chat_id": "1001", "text": "hi", "reply_markup": markup}
    async with api.session.post(f"{emu.base_url}{emu.token}/sendMessage", data=form) as response:
        result = (await response.json())["result"]
    assert result["chat"] == {"id": 1001, "type": "private", "first_name": "张三"}
    assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok"
    data = aiohttp.FormData()
    data.add_field("chat_id", "1001")
    data.add_field("caption", "报名表")
    data.add_field("document", b"%PDF-1.4", filename="form.pdf", content_type="application/pdf")
    async with api.session.post(f"{emu.base_url}{emu.token}/sendDocument", data=data) as response:
        result = (await response.json())["result"]
    assert result["document"]["file_name"] == "form.pdf"
    assert result["document"]["mime_type"] == "application/pdf"
    assert result["document"]["file_size"] == 8
    assert result["caption"] == "报名表"


async def test_long_polling_returns_as_soon_as_a_user_writes(api: Api, emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    poll = asyncio.create_task(api.ok("getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await user.send_text("你好")
    updates = await poll
    assert time.monotonic() - started < 5  # far sooner than the 10 s poll would take to expire
    assert [u["message"]["text"] for u in updates] == ["你好"]
    assert updates[0]["message"]["from"]["first_name"] == "张三"


async def test_long_polling_times_out_with_an_empty_list(api: Api) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=1) == []
    assert 0.9 < time.monotonic() - started < 6  # waited out the poll, did not hang


async def test_updates_stay_until_confirmed_by_offset_and_limit_is_respected(
    api: Api, emu: BotApiEmulator
) -> None:
    user = emu.user(1001)
    for text in ("一", "二", "三"):
        await user.send_text(text)
    first = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first] == ["一", "二"]
    again = await api.ok("getUpdates")
    assert [u["message"]["text"] for u in again] == ["一", "二", "三"]
    rest = await api.ok("getUpdates", offset=first[-1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["三"]
    assert await api.ok("getUpdates", offset=rest[-1]["update_id"] + 1) == []


async def test_allowed_updates_filters_update_types(api: Api, emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_text("文字")
    assert await api.ok("getUpdates", allowed_updates=["callback_query"]) == []
    await user.send_text("又一条")
    assert await api.ok("getUpdates") == []
    assert await api.ok("getUpdates", allowed_updates=[]) == []
    await user.send_text("第三条")
    assert len(await api.ok("getUpdates")) == 1


async def test_get_updates_while_a_webhook_is_set_is_a_conflict(api: Api, emu: BotApiEmulator) -> None:
    await emu.user(1001).send_text("早上好")
    assert await api.ok("setWebhook", url="https://example.org/hook") is True
    info = await api.ok("getWebhookInfo")
    assert info["url"] == "https://example.org/hook" and info["pending_update_count"] == 1
    status, body = await api.call("getUpdates")
    assert status == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method while webhook is active")
    assert await api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert await api.ok("getUpdates") == []


async def test_a_second_long_poll_terminates_the_first_with_a_conflict(api: Api) -> None:
    first = asyncio.create_task(api.call("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(api.call("getUpdates", timeout=1))
    status, body = await asyncio.wait_for(first, 1.0)
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    second.cancel()


async def test_commands_are_stored_per_scope(api: Api, emu: BotApiEmulator) -> None:
    commands = [{"command": "start", "description": "开始"}, {"command": "help", "description": "帮助"}]
    assert await api.ok("setMyCommands", commands=commands) is True
    assert await api.ok("getMyCommands") == commands
    assert emu.commands["default"] == commands
    assert await api.ok("getMyCommands", scope={"type": "all_private_chats"}) == []
    status, body = await api.call("setMyCommands", commands=[{"command": "Bad Cmd!", "description": "x"}])
    assert status == 400 and body["description"] == "Bad Request: BOT_COMMAND_INVALID"
    assert await api.ok("deleteMyCommands") is True
    assert await api.ok("getMyCommands") == []


async def test_a_chat_scope_overrides_the_default_for_that_chat_only(api: Api, emu: BotApiEmulator) -> None:
    staff, candidate = emu.user(1001, started=True), emu.user(1002, started=True)
    default = [{"command": "start", "description": "开始"}]
    staff_menu = [*default, {"command": "staff", "description": "工作台"}]
    assert await api.ok("setMyCommands", commands=default, scope={"type": "default"}) is True
    assert await api.ok("setMyCommands", commands=staff_menu, scope={"type": "chat", "chat_id": 1001}) is True
    assert await api.ok("getMyCommands", scope={"type": "chat", "chat_id": 1001}) == staff_menu
    assert (staff.command_menu, candidate.command_menu) == (["start", "staff"], ["start"])
    assert await api.ok("deleteMyCommands", scope={"type": "chat", "chat_id": "1001"}) is True
    assert staff.command_menu == ["start"]


async def test_a_chat_scope_for_a_chat_the_bot_cannot_see_is_refused(api: Api, emu: BotApiEmulator) -> None:
    emu.user(1003, started=False)
    commands = [{"command": "start", "description": "开始"}]
    for chat_id in (4242, 1003):
        status, body = await api.call(
            "setMyCommands", commands=commands, scope={"type": "chat", "chat_id": chat_id}
        )
        assert status == 400 and body["description"] == "Bad Request: chat not found"
    status, body = await api.call("getMyCommands", scope={"type": "everyone"})
    assert status == 400 and body["description"] == "Bad Request: BOT_COMMAND_SCOPE_INVALID"


async def test_stats_count_requests_messages_and_errors(api: Api, emu: BotApiEmulator) -> None:
    emu.user(1001, started=True)
    await api.ok("sendMessage", chat_id=1001, text="x")
    await api.call("sendMessage", chat_id=4242, text="x")
    assert emu.stats.requests_by_method["sendMessage"] == 2
    assert emu.stats.messages_sent == 1
    assert emu.stats.errors_by_code[400] == 1
    assert [entry[1:] for entry in emu.sent_log] == [(1001, "sendMessage")]
