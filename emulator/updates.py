"""The pending-update queue behind getUpdates (long polling) and the webhook settings."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from emulator.params import ApiError
from emulator.state import JSON

_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_DEFAULT_TYPES = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "my_chat_member", "channel_post"}
)


class UpdateQueue:
    def __init__(self) -> None:
        self._pending: deque[JSON] = deque()
        self._delivered: dict[int, JSON] = {}  # recent updates, for redeliver()
        self._next_id = 1
        self._waiter: asyncio.Future[None] | None = None
        self._poller: asyncio.Future[None] | None = None  # set to exception when superseded
        self.allowed_updates: frozenset[str] | None = None
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.closed = False
        self.on_change: Callable[[], None] | None = None  # the webhook pusher's wake-up
        self.last_error_date: int | None = None  # of the latest failed webhook delivery
        self.last_error_message: str | None = None

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: JSON) -> int:
        update_id = self._next_id
        self._next_id += 1
        update = {"update_id": update_id, kind: payload}
        self._pending.append(update)
        self._delivered[update_id] = update
        if len(self._delivered) > 10_000:
            del self._delivered[next(iter(self._delivered))]
        self._changed()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with its own id, as Telegram does with unconfirmed ones after a crash."""
        update = self._delivered[update_id]
        if any(pending["update_id"] == update_id for pending in self._pending):
            return
        ordered = sorted([*self._pending, update], key=lambda u: int(u["update_id"]))
        self._pending = deque(ordered)
        self._changed()

    def _changed(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if self.on_change is not None:
            self.on_change()

    def pending(self) -> list[JSON]:
        """The updates not yet confirmed (or acknowledged by the webhook), oldest first."""
        return list(self._pending)

    def remove(self, update: JSON) -> None:
        """Forget an update the webhook acknowledged."""
        try:
            self._pending.remove(update)
        except ValueError:
            pass

    def export(self) -> tuple[int, list[JSON]]:
        """The next update id and the unconfirmed messages, to carry over a restart as Telegram does."""
        return self._next_id, [u for u in self._pending if "message" in u]

    def resume(self, next_id: int, pending: list[JSON]) -> None:
        """Continue numbering after an earlier run and hand its unconfirmed updates out again."""
        self._next_id = max(self._next_id, next_id)
        for update in pending:
            self._pending.append(update)
            self._delivered[int(update["update_id"])] = update

    def drop_pending(self) -> None:
        self._pending.clear()

    def wake_all(self) -> None:
        self.closed = True
        for fut in (self._waiter, self._poller):
            if fut is not None and not fut.done():
                fut.set_result(None)

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def is_allowed(self, update: JSON) -> bool:
        """Tell whether the bot asked for this kind of update (allowed_updates)."""
        return self._allowed(update)

    def _allowed(self, update: JSON) -> bool:
        allowed = self.allowed_updates
        if allowed is None or not allowed:
            allowed = _DEFAULT_TYPES
        return any(key in allowed for key in update if key != "update_id")

    def _collect(self, limit: int) -> list[JSON]:
        result: list[JSON] = []
        kept: list[JSON] = []
        while self._pending and len(result) < limit:
            update = self._pending.popleft()
            if self._allowed(update):
                result.append(update)
                kept.append(update)
        # delivered updates stay pending until confirmed by a later offset
        self._pending.extendleft(reversed(kept))
        return result

    async def get_updates(self, params: dict[str, Any]) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
            self.allowed_updates = frozenset(str(x) for x in params["allowed_updates"])
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0, int(params.get("timeout") or 0))
        self._confirm(params.get("offset"))
        result = self._collect(limit)
        if result or timeout == 0 or self.closed:
            return result
        loop = asyncio.get_running_loop()
        if self._poller is not None and not self._poller.done():
            self._poller.set_exception(ApiError(409, _CONFLICT_POLL))
        poller: asyncio.Future[None] = loop.create_future()
        self._poller = poller
        deadline = loop.time() + timeout
        try:
            while not result and not self.closed:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                waiter: asyncio.Future[None] = loop.create_future()
                self._waiter = waiter
                done, _ = await asyncio.wait(
                    (waiter, poller), timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
                if poller in done:
                    poller.result()  # raises the conflict error when superseded
                    break
                result = self._collect(limit)
        finally:
            if self._poller is poller:
                self._poller = None
            if not poller.done():
                poller.cancel()
            elif not poller.cancelled():
                poller.exception()  # mark as retrieved
        return result

    def webhook_info(self) -> JSON:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url and self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self.allowed_updates is not None:
                info["allowed_updates"] = sorted(self.allowed_updates)
        return info
