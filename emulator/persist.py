"""Save the emulator's chats, files and update counter to a folder, and load them into a new emulator.

The sandbox uses this so that quitting and starting again resumes every chat where it was: Telegram keeps
chat history and never restarts update ids, so neither does the emulator when it has a folder to keep them in.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from emulator.host import Host, SavedHost
from emulator.params import json_body
from emulator.state import JSON, BotFile, BotMessage, InlineButton, StoredFile

STATE_FILE = "emulator.json"
FILES_DIR = "files"
VERSION = 1


def _message_out(message: BotMessage) -> JSON:
    out = asdict(message)
    for key in ("document", "photo"):
        attached: BotFile | None = getattr(message, key)
        out[key] = (
            None
            if attached is None
            else {"file_id": attached.file_id, "w": attached.width, "h": attached.height}
        )
    out["inline_keyboard"] = [
        [[b.text, b.callback_data, b.url] for b in row] for row in message.inline_keyboard
    ]
    out["entities"] = list(message.entities)
    out["caption_entities"] = list(message.caption_entities)
    return out


def _attached(emu: Host, ref: JSON | None) -> BotFile | None:
    if ref is None:
        return None
    stored = emu.files.get(str(ref["file_id"]))
    if stored is None:
        return None
    return BotFile(
        stored.file_id,
        stored.file_unique_id,
        stored.file_name,
        stored.mime_type,
        stored.data,
        stored.size,
        ref.get("w"),
        ref.get("h"),
    )


def _message_in(emu: Host, raw: JSON) -> BotMessage:
    fields: dict[str, Any] = dict(raw)
    fields["document"] = _attached(emu, raw.get("document"))
    fields["photo"] = _attached(emu, raw.get("photo"))
    fields["inline_keyboard"] = tuple(
        tuple(InlineButton(text, data, url) for text, data, url in row) for row in raw["inline_keyboard"]
    )
    fields["entities"] = tuple(raw["entities"])
    fields["caption_entities"] = tuple(raw["caption_entities"])
    return BotMessage(**fields)


def save(emu: Host, folder: Path) -> None:
    """Write the emulator's state into `folder` (files once each, the rest atomically)."""
    blobs = folder / FILES_DIR
    blobs.mkdir(parents=True, exist_ok=True)
    files: list[JSON] = []
    for stored in emu.files.all():
        blob = blobs / stored.file_unique_id
        if not blob.exists():
            blob.write_bytes(stored.data)
        files.append({key: value for key, value in asdict(stored).items() if key != "data"})
    next_update_id, pending = emu.updates.export()
    users = [
        {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "language_code": user.language_code,
            "started": user.started,
            "blocked": user.blocked,
            "next_message_id": user.peek_message_id(),
            "reply_keyboard": user.reply_keyboard,
            "bot_messages": [_message_out(m) for m in user.bot_messages.values()],
            "user_messages": list(user.user_messages.values()),
        }
        for user in emu.users.values()
    ]
    state = {
        "version": VERSION,
        "next_update_id": next_update_id,
        "pending": pending,
        "commands": emu.commands,
        "next_file_number": emu.files.next_number,
        "files": files,
        "users": users,
    }
    temporary = folder / (STATE_FILE + ".tmp")
    temporary.write_bytes(json_body(state))  # a lone surrogate a user sent is kept as its JSON escape
    os.replace(temporary, folder / STATE_FILE)


def load(emu: SavedHost, folder: Path) -> bool:
    """Fill a fresh emulator from `folder`; return False (changing nothing) if nothing was saved there."""
    path = folder / STATE_FILE
    if not path.exists():
        return False
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("version") != VERSION:
        return False
    for raw in state["files"]:
        blob = folder / FILES_DIR / raw["file_unique_id"]
        if blob.exists():
            emu.files.restore(StoredFile(data=blob.read_bytes(), **raw))
    emu.files.next_number = max(emu.files.next_number, int(state["next_file_number"]))
    emu.commands.update(state["commands"])
    for raw_user in state["users"]:
        user = emu.user(
            raw_user["id"],
            raw_user["first_name"],
            raw_user["last_name"],
            raw_user["username"],
            raw_user["language_code"],
            raw_user["started"],
        )
        if raw_user["blocked"]:
            user.block()
        user.skip_message_ids(int(raw_user["next_message_id"]))
        user.set_reply_keyboard(raw_user["reply_keyboard"])
        for raw_message in raw_user["bot_messages"]:
            message = _message_in(emu, raw_message)
            user.bot_messages[message.message_id] = message
        for raw_message in raw_user["user_messages"]:
            user.user_messages[int(raw_message["message_id"])] = raw_message
    emu.updates.resume(int(state["next_update_id"]), list(state["pending"]))
    return True
