"""What the Bot API methods and the saved state need from the emulator serving them.

Protocols, so that messages, methods and persist name no server code and the emulator's modules form a tree
(state, then methods, then the server, then the user side).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from typing import Protocol

from emulator.chats import Chat
from emulator.limits import RateLimiter
from emulator.state import JSON, BotMessage, CallbackAnswer, EmulatorStats, FileStore
from emulator.updates import UpdateQueue


class Webhook(Protocol):
    """The webhook pusher as setWebhook and deleteWebhook drive it."""

    def start(self) -> None: ...

    def wake(self) -> None: ...

    async def stop(self) -> None: ...


class Host(Protocol):
    """The emulator as a Bot API method sees it."""

    @property
    def bot_user(self) -> JSON: ...

    @property
    def strict_html(self) -> bool: ...

    @property
    def callback_query_ttl(self) -> float: ...

    @property
    def limiter(self) -> RateLimiter: ...

    @property
    def stats(self) -> EmulatorStats: ...

    @property
    def sent_log(self) -> deque[tuple[float, int, str]]: ...

    @property
    def files(self) -> FileStore: ...

    @property
    def updates(self) -> UpdateQueue: ...

    @property
    def webhook(self) -> Webhook: ...

    @property
    def users(self) -> Mapping[int, Chat]: ...

    @property
    def commands(self) -> dict[str, list[JSON]]: ...

    @property
    def callbacks(self) -> dict[str, tuple[Chat, float, asyncio.Future[CallbackAnswer]]]: ...

    def serialize(self, message: BotMessage, chat: Chat) -> JSON: ...


class SavedHost(Host, Protocol):
    """The emulator as persist.load refills it: it also opens the saved users' chats."""

    def user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        started: bool,
    ) -> Chat: ...
