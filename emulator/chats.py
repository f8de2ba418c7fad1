"""One private chat as the emulator keeps it: who the user is, both sides' messages, and what the bot did."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence

from emulator.state import JSON, BotEvent, BotMessage, EventKind

Listener = Callable[["Chat", BotEvent], None]


class Chat:
    def __init__(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        started: bool = False,
        listeners: Sequence[Listener] = (),
    ) -> None:
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.started = started
        self._listeners = listeners  # the emulator's list, read at each event (the sandbox page joins later)
        self._blocked = False
        self._next_message_id = 1
        self.bot_messages: dict[int, BotMessage] = {}
        self.user_messages: dict[int, JSON] = {}
        self._events: deque[BotEvent] = deque()
        self._seq = 0
        self._signal: asyncio.Event | None = None
        self._reply_keyboard: list[list[str]] | None = None
        self._reply_keyboard_one_time = False
        self.last_update_id: int | None = None  # of their latest message or press, for redeliver()

    # ----- identity -------------------------------------------------------------------------
    def user_json(self) -> JSON:
        out: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code:
            out["language_code"] = self.language_code
        return out

    def chat_json(self) -> JSON:
        out: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out

    def allocate_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def peek_message_id(self) -> int:
        """The id the next message in this chat will get."""
        return self._next_message_id

    def skip_message_ids(self, next_id: int) -> None:
        """Continue numbering this chat after an earlier run's messages."""
        self._next_message_id = max(self._next_message_id, next_id)

    # ----- state seen by tests ------------------------------------------------------------------
    @property
    def blocked(self) -> bool:
        return self._blocked

    def block(self) -> None:
        self._blocked = True

    def unblock(self) -> None:
        self._blocked = False

    @property
    def messages(self) -> list[BotMessage]:
        return list(self.bot_messages.values())

    @property
    def last_message(self) -> BotMessage | None:
        return next(reversed(self.bot_messages.values()), None)

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        return self._reply_keyboard

    def set_reply_keyboard(self, labels: list[list[str]] | None, one_time: bool = False) -> None:
        self._reply_keyboard = labels
        self._reply_keyboard_one_time = one_time

    def record(self, kind: EventKind, message: BotMessage) -> None:
        """Called by the emulator whenever the bot sends, edits or deletes a message here."""
        self._seq += 1
        event = BotEvent(kind=kind, message=message, seq=self._seq)
        self._events.append(event)
        if self._signal is not None:
            self._signal.set()
        for listener in self._listeners:
            listener(self, event)
