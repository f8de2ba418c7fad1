"""A simulated Telegram user chatting privately with the bot, and the emulator that holds them."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from typing import Any

from emulator.chats import Chat
from emulator.server import BotApiServer
from emulator.state import JSON, BotEvent, BotMessage, CallbackAnswer, image_size, visible_commands

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class NoBotReply(AssertionError, TimeoutError):
    """The bot did not do what the test waited for in time."""


class EmulatedUser(Chat):
    """A chat driven from the user's side: send, press buttons, wait for what the bot does."""

    def __init__(
        self,
        emu: BotApiEmulator,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        started: bool = False,
    ) -> None:
        super().__init__(user_id, first_name, last_name, username, language_code, started, emu.listeners)
        self.emu = emu

    @property
    def command_menu(self) -> list[str]:
        """The command names this user's client lists in its menu (chat scope, else the wider ones)."""
        return [c["command"] for c in visible_commands(self.emu.commands, self.id, self.language_code)]

    def menu_commands(self) -> list[JSON]:
        """The command menu this chat shows: its own scope first, then private chats, then the default."""
        language = (self.language_code or "").split("-")[0]
        for scope in (f"chat:{self.id}", "all_private_chats", "default"):
            for key in (f"{scope}|{language}", scope):
                if key in self.emu.commands:
                    return list(self.emu.commands[key])
        return []

    # ----- sending ------------------------------------------------------------------------------
    def _send(self, fields: JSON) -> int:
        self.started = True  # a blocked bot still receives what the user sends (they may unblock later)
        message_id = self.allocate_message_id()
        message: JSON = {
            "message_id": message_id,
            "from": self.user_json(),
            "chat": self.chat_json(),
            "date": int(time.time()),
            **fields,
        }
        self.user_messages[message_id] = message
        self.last_update_id = self.emu.push_update("message", message)
        return message_id

    async def send_text(self, text: str) -> int:
        fields: JSON = {"text": text}
        match = _COMMAND_RE.match(text)
        if match is not None:
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]
        return self._send(fields)

    async def send_command(self, command: str, payload: str | None = None) -> int:
        if not command.startswith("/"):
            command = "/" + command
        return await self.send_text(command if not payload else f"{command} {payload}")

    async def send_photo(
        self, data: bytes, caption: str | None = None, width: int | None = None, height: int | None = None
    ) -> int:
        if width is None or height is None:
            real_w, real_h = image_size(data)
            width, height = width or real_w, height or real_h
        stored = self.emu.files.add(data, "photos", mime_type="image/jpeg")
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": width,
            "height": height,
        }
        fields: JSON = {"photo": [size]}
        if caption is not None:
            fields["caption"] = caption
        return self._send(fields)

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        declared_size: int | None = None,
    ) -> int:
        stored = self.emu.files.add(data, "documents", file_name, mime_type, size=declared_size)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        fields: JSON = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return self._send(fields)

    # ----- buttons ------------------------------------------------------------------------------
    def _visible_buttons(self) -> str:
        lines = [
            f"  msg {m.message_id}: {m.buttons}" for m in self.bot_messages.values() if m.inline_keyboard
        ]
        lines.append(f"  reply keyboard: {self._reply_keyboard}")
        return "\n".join(lines)

    async def press(
        self,
        label: str,
        message_id: int | None = None,
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> CallbackAnswer | None:
        """Press an inline button (or a reply-keyboard button) labelled ``label``."""
        target: BotMessage | None = None
        if message_id is not None:
            target = self.bot_messages.get(message_id)
            if target is None or target.find_button(label) is None:
                target = None
        else:
            for message in reversed(self.bot_messages.values()):
                if message.find_button(label) is not None:
                    target = message
                    break
        if target is None:
            if self._reply_keyboard is not None and any(label in row for row in self._reply_keyboard):
                if self._reply_keyboard_one_time:
                    self._reply_keyboard = None
                await self.send_text(label)
                return None
            where = f"message {message_id}" if message_id is not None else "any bot message"
            raise AssertionError(
                f"no button {label!r} on {where}; visible buttons:\n{self._visible_buttons()}"
            )
        button = target.find_button(label)
        assert button is not None
        if button.callback_data is None:
            raise AssertionError(f"button {label!r} is a URL/other button, not a callback button")
        return await self.press_data(button.callback_data, target.message_id, timeout=timeout)

    async def press_data(self, data: str, message_id: int, timeout: float = 2.0) -> CallbackAnswer | None:  # noqa: ASYNC109
        """Send a callback query with arbitrary ``data`` for ``message_id`` and wait for the answer."""
        message = self.bot_messages.get(message_id)
        if message is None:
            raise AssertionError(f"no bot message {message_id} in chat {self.id}")
        future = self.emu.push_callback_query(self, message, data)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return CallbackAnswer(answered=False)

    # ----- waiting ------------------------------------------------------------------------------
    def _describe(self) -> str:
        recent = [f"  #{m.message_id}: {m.content[:80]!r}" for m in list(self.bot_messages.values())[-3:]]
        return "\n".join(recent) or "  (no bot messages)"

    async def _wait(self, pick: Any, timeout: float, what: str) -> BotEvent:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self._signal is None:
            self._signal = asyncio.Event()
        while True:
            event = pick()
            if event is not None:
                return event  # type: ignore[no-any-return]
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise NoBotReply(
                    f"user {self.id}: bot sent no {what} within {timeout:.1f}s; recent bot messages:\n"
                    f"{self._describe()}"
                )
            self._signal.clear()
            try:
                await asyncio.wait_for(self._signal.wait(), remaining)
            except TimeoutError:
                pass

    def _pop_event(self) -> BotEvent | None:
        return self._events.popleft() if self._events else None

    def _pop_message(self) -> BotEvent | None:
        for index, event in enumerate(self._events):
            if event.kind == "message":
                del self._events[index]
                return event
        return None

    async def next_message(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        return (await self._wait(self._pop_message, timeout, "new message")).message

    async def next_event(self, timeout: float = 5.0) -> BotEvent:  # noqa: ASYNC109
        return await self._wait(self._pop_event, timeout, "message/edit/delete")

    def drain(self) -> list[BotEvent]:
        events = list(self._events)
        self._events.clear()
        return events

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Assert that nothing new happens for ``seconds`` and no unread new message is pending."""
        start_seq = self._seq
        await asyncio.sleep(seconds)
        fresh = [e for e in self._events if e.seq > start_seq or e.kind == "message"]
        if fresh:
            shown = "\n".join(
                f"  {e.kind} #{e.message.message_id}: {e.message.content[:80]!r}" for e in fresh
            )
            raise AssertionError(f"user {self.id}: expected silence but the bot did:\n{shown}")


class BotApiEmulator(BotApiServer[EmulatedUser]):
    """The Bot API server with the simulated users chatting with the bot: what tests and the sandbox start."""

    def user(
        self,
        user_id: int = 1001,
        first_name: str = "张三",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        started: bool = False,
    ) -> EmulatedUser:
        existing = self.users.get(user_id)
        if existing is not None:
            if started:
                existing.started = True
            return existing
        created = EmulatedUser(self, user_id, first_name, last_name, username, language_code, started)
        self.users[user_id] = created
        return created

    def make_started_users(self, ids: Iterable[int], first_name: str = "用户") -> list[EmulatedUser]:
        users = self.users
        result: list[EmulatedUser] = []
        for user_id in ids:
            user = users.get(user_id)
            if user is None:
                user = EmulatedUser(self, user_id, first_name, started=True)
                users[user_id] = user
            else:
                user.started = True
            result.append(user)
        return result
