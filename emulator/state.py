"""Plain data kept by the emulator and its conversion to Bot API JSON objects."""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class InlineButton:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class BotFile:
    """A file attached to a message (document or the largest photo size)."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes
    file_size: int
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class BotMessage:
    """Current state of a message the bot sent (edits produce a new snapshot)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    html: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    entities: tuple[JSON, ...] = ()
    caption_entities: tuple[JSON, ...] = ()
    inline_keyboard: tuple[tuple[InlineButton, ...], ...] = ()
    reply_markup: JSON | None = None
    reply_keyboard: list[list[str]] | None = None
    document: BotFile | None = None
    photo: BotFile | None = None
    edited: bool = False
    edit_date: int | None = None
    reply_to_message_id: int | None = None

    @property
    def buttons(self) -> list[str]:
        """Flat list of the inline button labels."""
        return [b.text for row in self.inline_keyboard for b in row]

    def button_labels(self) -> list[str]:
        return self.buttons

    def find_button(self, label: str) -> InlineButton | None:
        for row in self.inline_keyboard:
            for button in row:
                if button.text == label:
                    return button
        return None

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has (empty string if neither)."""
        return self.text if self.text is not None else (self.caption or "")


EventKind = Literal["message", "edit", "delete"]


@dataclass(frozen=True, slots=True)
class BotEvent:
    kind: EventKind
    message: BotMessage
    seq: int = 0


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    answered: bool = True


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    size: int
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class EmulatorStats:
    requests_by_method: Counter[str] = field(default_factory=Counter)
    messages_sent: int = 0
    rate_limited: int = 0
    errors_by_code: Counter[int] = field(default_factory=Counter)


class FileStore:
    """In-memory file storage addressed by file_id and by file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self.next_number = 1

    def add(
        self,
        data: bytes,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        size: int | None = None,
    ) -> StoredFile:
        n = self.next_number
        self.next_number += 1
        ext = ""
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1][:8]
        elif kind == "photos":
            ext = "jpg"
        file_id = f"EMU{kind[:3].upper()}{n:08d}AAQ"
        path = f"{kind}/file_{n}" + (f".{ext}" if ext else "")
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"U{n:010d}",
            file_path=path,
            data=data,
            size=len(data) if size is None else size,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[file_id] = stored
        self._by_path[path] = stored
        return stored

    def restore(self, stored: StoredFile) -> None:
        """Put back a file saved by an earlier run (the sandbox keeps its chats across restarts)."""
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored

    def all(self) -> list[StoredFile]:
        """Every file held, oldest first."""
        return list(self._by_id.values())

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) read from a PNG/JPEG/GIF header; (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 0, 0


def file_json(f: BotFile, with_name: bool = True) -> JSON:
    out: JSON = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": f.file_size}
    if with_name:
        if f.file_name is not None:
            out["file_name"] = f.file_name
        if f.mime_type is not None:
            out["mime_type"] = f.mime_type
    else:
        out["width"] = f.width or 0
        out["height"] = f.height or 0
    return out


def photo_sizes_json(f: BotFile) -> list[JSON]:
    return [file_json(f, with_name=False)]


def message_json(msg: BotMessage, bot_user: JSON, chat: JSON, reply_to: JSON | None = None) -> JSON:
    out: JSON = {"message_id": msg.message_id, "from": bot_user, "chat": chat, "date": msg.date}
    if msg.edit_date is not None:
        out["edit_date"] = msg.edit_date
    if reply_to is not None:
        out["reply_to_message"] = reply_to
    if msg.text is not None:
        out["text"] = msg.text
        if msg.entities:
            out["entities"] = list(msg.entities)
    if msg.document is not None:
        out["document"] = file_json(msg.document)
    if msg.photo is not None:
        out["photo"] = photo_sizes_json(msg.photo)
    if msg.caption is not None:
        out["caption"] = msg.caption
        if msg.caption_entities:
            out["caption_entities"] = list(msg.caption_entities)
    if msg.inline_keyboard and msg.reply_markup is not None:
        out["reply_markup"] = msg.reply_markup
    return out


def visible_commands(
    commands: Mapping[str, list[JSON]], chat_id: int, language: str | None = None
) -> list[JSON]:
    """The menu a private chat's client shows: its chat scope, else all private chats, else the default."""
    for key in (f"chat:{chat_id}", "all_private_chats", "default"):
        for lang_key in ([f"{key}|{language}"] if language else []) + [key]:
            if lang_key in commands:
                return list(commands[lang_key])
    return []
