"""With a webhook set, the emulator POSTs updates as Telegram does: secret header, retries, per-chat order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from emulator import BotApiEmulator
from tests.emulator.conftest import Api

SECRET = "s3cret_token-1"
CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class Receiver:
    """A bot's webhook endpoint: records what arrives and answers as `answer` says (default 200)."""

    url: str = ""
    received: list[tuple[int, str | None, str]] = field(default_factory=list)  # (update_id, secret, text)
    answer: Callable[[dict[str, object]], int] = lambda update: 200
    hang: set[int] = field(default_factory=set)  # update ids answered never (the first time)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def texts(self) -> list[str]:
        return [text for _, _, text in self.received]

    async def until(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait (5 s at most) until the condition holds."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


async def _serve(receiver: Receiver) -> web.AppRunner:
    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        message = update.get("message") or {}
        receiver.received.append(
            (
                update["update_id"],
                request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                message.get("text", ""),
            )
        )
        receiver.arrived.set()
        if update["update_id"] in receiver.hang:
            receiver.hang.discard(update["update_id"])
            await asyncio.sleep(30)
        return web.Response(status=receiver.answer(update))

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    receiver.url = f"http://127.0.0.1:{port}/hook"
    return runner


@pytest.fixture
async def receivers() -> AsyncIterator[list[Receiver]]:
    made = [Receiver(), Receiver()]
    runners = [await _serve(r) for r in made]
    yield made
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def quick_emu() -> AsyncIterator[BotApiEmulator]:
    """Retries after 20 ms, and an update unanswered for half a second counts as failed."""
    emulator = BotApiEmulator(token="123456:TEST", webhook_timeout=0.5, webhook_retry_base=0.02)
    await emulator.start(host="127.0.0.1", port=0)
    yield emulator
    await emulator.stop()


@pytest.fixture
async def quick_api(quick_emu: BotApiEmulator) -> AsyncIterator[Api]:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        yield Api(session, quick_emu)


async def test_updates_are_posted_with_the_secret_and_acknowledged_ones_leave_the_queue(
    quick_api: Api, quick_emu: BotApiEmulator, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    assert await quick_api.ok("setWebhook", url=hook.url, secret_token=SECRET, max_connections=5) is True
    user = quick_emu.user(1001)
    for text in ("一", "二", "三"):
        await user.send_text(text)
    await hook.until(3)
    assert hook.texts() == ["一", "二", "三"]
    assert {secret for _, secret, _ in hook.received} == {SECRET}
    info = await quick_api.ok("getWebhookInfo")
    assert info["url"] == hook.url and info["max_connections"] == 5
    await eventually(lambda: quick_emu.updates.webhook_info()["pending_update_count"] == 0)


async def test_a_failed_answer_and_no_answer_are_retried_until_acknowledged(
    quick_api: Api, quick_emu: BotApiEmulator, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    failures = iter([500, 502])
    hook.answer = lambda update: next(failures, 200)
    await quick_api.ok("setWebhook", url=hook.url, secret_token=SECRET)
    user = quick_emu.user(1001)
    await user.send_text("重试")
    await hook.until(3)  # 500, 502, then 200
    assert hook.texts() == ["重试"] * 3
    info = await quick_api.ok("getWebhookInfo")
    assert info["last_error_message"] == "Wrong response from the webhook: 502 Bad Gateway"

    second = user.last_update_id
    assert second is not None
    hook.hang.add(second + 1)
    await user.send_text("无应答")
    await hook.until(5)  # the first POST hangs past the timeout, the retry is answered
    assert hook.texts()[3:] == ["无应答", "无应答"]
    assert (await quick_api.ok("getWebhookInfo"))["last_error_message"] == "Read timeout expired"


async def test_one_chat_waits_for_its_failing_update_while_other_chats_go_on(
    quick_api: Api, quick_emu: BotApiEmulator, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    refused = {"甲1": 3}

    def answer(update: dict[str, object]) -> int:
        text = str((update.get("message") or {}).get("text"))  # type: ignore[union-attr]
        if refused.get(text, 0) > 0:
            refused[text] -= 1
            return 500
        return 200

    hook.answer = answer
    await quick_api.ok("setWebhook", url=hook.url, secret_token=SECRET)
    first, other = quick_emu.user(1001), quick_emu.user(1002)
    await first.send_text("甲1")
    await first.send_text("甲2")
    await other.send_text("乙1")
    await hook.until(6)
    texts = hook.texts()
    assert texts.count("甲1") == 4 and texts.count("甲2") == 1
    assert texts.index("甲2") > max(i for i, text in enumerate(texts) if text == "甲1")  # order kept per chat
    assert texts.index("乙1") < texts.index("甲2")  # the other chat did not wait for 甲1's retries


async def test_get_updates_is_refused_while_a_webhook_is_set_and_delete_webhook_hands_back_the_rest(
    quick_api: Api, quick_emu: BotApiEmulator, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    hook.answer = lambda update: 503
    await quick_api.ok("setWebhook", url=hook.url, secret_token=SECRET)
    await quick_emu.user(1001).send_text("留着")
    await hook.until(1)
    status, body = await quick_api.call("getUpdates")
    assert (status, body["error_code"], body["description"]) == (409, 409, CONFLICT)

    assert await quick_api.ok("deleteWebhook") is True
    tried = len(hook.received)
    updates = await quick_api.ok("getUpdates")
    assert [u["message"]["text"] for u in updates] == ["留着"]
    await asyncio.sleep(0.1)
    assert len(hook.received) == tried  # no more POSTs once the webhook is gone


async def test_deliveries_alternate_over_several_urls_and_a_dead_one_is_retried_on_the_next(
    quick_api: Api, quick_emu: BotApiEmulator, receivers: list[Receiver]
) -> None:
    left, right = receivers
    await quick_api.ok("setWebhook", url=left.url, secret_token=SECRET)
    quick_emu.webhook.targets = [left.url, right.url]
    users = [quick_emu.user(2000 + n) for n in range(6)]
    for user in users:
        await user.send_text(f"来自{user.id}")
        await asyncio.sleep(0.02)
    await eventually(lambda: len(left.received) + len(right.received) == 6)
    assert len(left.received) == len(right.received) == 3

    right.answer = lambda update: 500  # one process down: its share goes to the other on retry
    for user in users:
        await user.send_text("再来")
    await eventually(lambda: left.texts().count("再来") == 6)
    assert quick_emu.webhook.delivered_by_target[left.url] == 9
