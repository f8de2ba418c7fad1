"""Webhook delivery as Telegram does it: POST each update with the secret header, retry until a 2xx answer.

Updates of one chat go one at a time and in order (the next waits until the previous was acknowledged);
different chats go in parallel, up to the webhook's max_connections. A non-2xx answer, a refused connection or
no answer within `timeout` seconds counts as a failure, retried with a growing pause. With `targets` set (an
emulator-side option, not Telegram's) each attempt goes to the next URL in turn, as a load balancer in front
of several bot processes would spread them.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp

from emulator.params import json_body
from emulator.state import JSON

if TYPE_CHECKING:
    from emulator.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def chat_key(update: JSON) -> object:
    """The chat an update belongs to (its order is kept per chat); the update itself when it has none."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return chat["id"]
        sender = payload.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return sender["id"]
    return ("update", update.get("update_id"))


@dataclass(frozen=True, slots=True)
class Delivered:
    """One update acknowledged by a webhook: where, after how many tries (1 when the first was answered)."""

    target: str
    update: JSON
    tries: int


class WebhookPusher:
    """Push the queue's pending updates to the webhook while one is set."""

    def __init__(
        self, queue: UpdateQueue, *, timeout: float = 30.0, retry_base: float = 0.1, retry_max: float = 5.0
    ) -> None:
        self.queue = queue
        self.timeout = timeout
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.targets: list[str] = []  # round-robin over these instead of the registered URL
        self.attempts = 0
        self.failures = 0
        self.delivered_by_target: Counter[str] = Counter()
        self.delivered: list[Delivered] = []  # in the order acknowledged, for tests that check each process
        self._cycle: itertools.cycle[str] | None = None
        self._cycled: list[str] = []
        self._busy: set[object] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        """Tell whether updates are being pushed."""
        return self._runner is not None

    def wake(self) -> None:
        """Something was queued or a delivery ended: look for what can go next."""
        self._changed.set()

    def start(self) -> None:
        """Begin pushing (setWebhook); idempotent."""
        if self._runner is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
            self._runner = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        """Stop pushing (deleteWebhook): updates not yet acknowledged stay pending for getUpdates."""
        runner, self._runner = self._runner, None
        tasks = [runner, *self._tasks] if runner is not None else list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._busy.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next_target(self) -> str:
        targets = self.targets or [self.queue.webhook_url]
        if self._cycle is None or self._cycled != targets:
            self._cycled = list(targets)
            self._cycle = itertools.cycle(self._cycled)
        return next(self._cycle)

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            self._dispatch()
            await self._changed.wait()

    def _dispatch(self) -> None:
        queue = self.queue
        for update in list(queue.pending()):
            if len(self._tasks) >= queue.webhook_max_connections:
                return
            if not queue.is_allowed(update):
                queue.remove(update)
                continue
            key = chat_key(update)
            if key in self._busy:
                continue
            self._busy.add(key)
            task = asyncio.create_task(self._deliver(update, key))
            self._tasks.add(task)

    async def _deliver(self, update: JSON, key: object) -> None:
        failures = 0
        try:
            while True:
                target = self._next_target()
                error = await self._post(target, update)
                if error is None:
                    self.delivered_by_target[target] += 1
                    self.delivered.append(Delivered(target, update, failures + 1))
                    self.queue.remove(update)
                    return
                failures += 1
                self.failures += 1
                self.queue.last_error_date = int(time.time())
                self.queue.last_error_message = error
                await asyncio.sleep(min(self.retry_max, self.retry_base * 2 ** (failures - 1)))
        finally:
            self._busy.discard(key)
            task = asyncio.current_task()
            if task is not None:
                self._tasks.discard(task)
            self.wake()

    async def _post(self, url: str, update: JSON) -> str | None:
        """POST one update; None when acknowledged, else what went wrong (Telegram's wording)."""
        assert self._session is not None
        self.attempts += 1
        headers = {"Content-Type": "application/json"}
        if self.queue.webhook_secret:
            headers[SECRET_HEADER] = self.queue.webhook_secret
        body = json_body(update)
        try:
            async with asyncio.timeout(self.timeout):
                async with self._session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if 200 <= response.status < 300:
                        return None
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as error:
            return f"Connection failed: {type(error).__name__}"
