"""The sandbox page's side of the emulator: personas, their chats and unread counts, the clock, and saving."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.sandbox_view import bot_message, user_message
from core.clock import SandboxClock
from emulator import BotApiEmulator, BotEvent, EmulatedUser, persist
from emulator.chats import Chat
from emulator.state import JSON

log = logging.getLogger(__name__)

SESSION_FILE = "sandbox.json"
SAVE_DELAY = 0.3


@dataclass(frozen=True, slots=True)
class Persona:
    """Someone the person at the page can be: a Telegram user with a role in the programme."""

    id: int
    name: str
    role: str  # candidate | staff | liaison


@dataclass
class SandboxSession:
    """Everything the page reads and changes; lives as long as the sandbox process."""

    emulator: BotApiEmulator
    clock: SandboxClock
    personas: tuple[Persona, ...]
    folder: Path
    after_jump: Callable[[], Awaitable[None]] | None = None
    read: dict[int, int] = field(default_factory=dict)
    queues: set[asyncio.Queue[JSON]] = field(default_factory=set)
    _save_task: asyncio.Task[None] | None = None

    # ----- start and stop -----------------------------------------------------------------------
    def load(self) -> bool:
        """Resume the chats, the clock and what was read from an earlier run; False on a first run."""
        resumed = persist.load(self.emulator, self.folder)
        path = self.folder / SESSION_FILE
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            self.clock.offset = timedelta(seconds=float(saved.get("clock_offset_seconds", 0)))
            self.read = {int(k): int(v) for k, v in saved.get("read", {}).items()}
        for persona in self.personas:
            self.emulator.user(persona.id, persona.name)
        self.emulator.listeners.append(self._on_event)
        return resumed

    def save(self) -> None:
        """Write the chats and the session now (also called on quit)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        persist.save(self.emulator, self.folder)
        session = {
            "clock_offset_seconds": self.clock.offset.total_seconds(),
            "read": {str(k): v for k, v in self.read.items()},
        }
        temporary = self.folder / (SESSION_FILE + ".tmp")
        temporary.write_text(json.dumps(session), encoding="utf-8")
        os.replace(temporary, self.folder / SESSION_FILE)

    def save_soon(self) -> None:
        """Save shortly after a change, once for a burst of changes."""
        if self._save_task is None or self._save_task.done():
            self._save_task = asyncio.get_running_loop().create_task(self._save_later())

    async def _save_later(self) -> None:
        await asyncio.sleep(SAVE_DELAY)
        try:
            self.save()  # on the loop: the chats must not change while they are written
        except OSError:
            log.exception("could not save the sandbox state")

    async def close(self) -> None:
        """Stop listening and save a last time."""
        if self._on_event in self.emulator.listeners:
            self.emulator.listeners.remove(self._on_event)
        if self._save_task is not None:
            self._save_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._save_task
        self.save()

    # ----- what the page reads ------------------------------------------------------------------
    def persona(self, persona_id: int) -> Persona | None:
        """The persona with this id, if it is one of the sandbox's."""
        return next((p for p in self.personas if p.id == persona_id), None)

    def user(self, persona: Persona) -> EmulatedUser:
        """The persona's Telegram account in the emulator."""
        return self.emulator.user(persona.id, persona.name)

    def history(self, persona: Persona) -> list[JSON]:
        """The chat as it stands: both sides in order, edits applied, deletions gone."""
        user = self.user(persona)
        drawn = [bot_message(m) for m in user.bot_messages.values()]
        drawn += [user_message(m, self.emulator.files) for m in user.user_messages.values()]
        return sorted(drawn, key=lambda m: int(m["id"]))

    def unread(self, persona: Persona) -> int:
        """Bot messages the person has not looked at in this persona's chat."""
        seen = self.read.get(persona.id, 0)
        return sum(1 for message_id in self.user(persona).bot_messages if message_id > seen)

    def mark_read(self, persona: Persona, up_to: int) -> None:
        """Remember that the person saw this chat up to a message."""
        if up_to > self.read.get(persona.id, 0):
            self.read[persona.id] = up_to
            self.save_soon()

    def summary(self, persona: Persona) -> JSON:
        """A persona as the switcher lists it."""
        history = self.history(persona)
        last = history[-1] if history else None
        return {
            "id": persona.id,
            "name": persona.name,
            "role": persona.role,
            "unread": self.unread(persona),
            "last": last,
        }

    # ----- live updates -------------------------------------------------------------------------
    def publish(self, item: JSON) -> None:
        """Send one update to every open page."""
        for queue in self.queues:
            queue.put_nowait(item)

    def _on_event(self, user: Chat, event: BotEvent) -> None:
        persona = self.persona(user.id)
        if persona is None:
            return
        self.publish(
            {
                "type": event.kind,
                "persona": persona.id,
                "message": bot_message(event.message),
                "unread": self.unread(persona),
                "keyboard": user.reply_keyboard,
            }
        )
        self.save_soon()

    def sent(self, persona: Persona, message_id: int) -> None:
        """Show a message the person just sent on every open page."""
        raw = self.user(persona).user_messages.get(message_id)
        if raw is not None:
            self.publish(
                {
                    "type": "message",
                    "persona": persona.id,
                    "message": user_message(raw, self.emulator.files),
                    "unread": self.unread(persona),
                    "keyboard": self.user(persona).reply_keyboard,
                }
            )
        self.save_soon()
