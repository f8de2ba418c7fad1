"""What the sandbox page shows of a message: HTML rebuilt from Telegram's entities, buttons and file links.

The bot's HTML is never passed through: the emulator parsed it into plain text and entities as Telegram does,
and the page gets that text escaped, with only Telegram's own tags put back around the entity ranges.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

from emulator.state import JSON, BotFile, BotMessage

_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="tg-spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}
_LINK_SCHEMES = ("http://", "https://", "tg://")
INLINE_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/gif", "text/plain")


def _python_index(text: str) -> dict[int, int]:
    """Map each UTF-16 offset (Telegram's unit) that starts a character to its index in `text`."""
    index: dict[int, int] = {}
    units = 0
    for position, char in enumerate(text):
        index[units] = position
        units += 2 if ord(char) > 0xFFFF else 1
    index[units] = len(text)
    return index


def _open_tag(entity: JSON) -> tuple[str, str]:
    kind = str(entity.get("type", ""))
    if kind == "text_link":
        url = str(entity.get("url", ""))
        if url.startswith(_LINK_SCHEMES):
            return f'<a href="{escape(url, quote=True)}" target="_blank" rel="noopener">', "</a>"
        return "", ""
    return _TAGS.get(kind, ("", ""))


def entities_html(text: str, entities: tuple[JSON, ...] | list[JSON]) -> str:
    """Escape `text` and wrap each entity's range in the one tag Telegram would show for it."""
    index = _python_index(text)
    opens: defaultdict[int, list[str]] = defaultdict(list)
    closes: defaultdict[int, list[str]] = defaultdict(list)
    for entity in sorted(entities, key=lambda e: (int(e.get("offset", 0)), -int(e.get("length", 0)))):
        start = index.get(int(entity.get("offset", 0)))
        end = index.get(int(entity.get("offset", 0)) + int(entity.get("length", 0)))
        if start is None or end is None or end <= start:
            continue
        opening, closing = _open_tag(entity)
        if opening:
            opens[start].append(opening)
            closes[end].insert(0, closing)
    out: list[str] = []
    for position in range(len(text) + 1):
        out.extend(closes.get(position, ()))
        if position == len(text):
            break
        out.extend(opens.get(position, ()))
        out.append(escape(text[position], quote=False))
    return "".join(out)


def file_url(file_id: str) -> str:
    """Where the page fetches a file the chat holds."""
    return f"/sandbox/files/{file_id}"


def _document(file: BotFile | None) -> JSON | None:
    if file is None:
        return None
    return {
        "url": file_url(file.file_id),
        "name": file.file_name or "file",
        "mime": file.mime_type or "application/octet-stream",
        "size": file.file_size,
        "inline": (file.mime_type or "") in INLINE_TYPES,
    }


def bot_message(message: BotMessage) -> JSON:
    """A message the bot sent, as the page draws it."""
    if message.text is not None:
        html = entities_html(message.text, message.entities)
    else:
        html = entities_html(message.caption or "", message.caption_entities)
    return {
        "id": message.message_id,
        "out": False,
        "date": message.edit_date or message.date,
        "edited": message.edited,
        "html": html,
        "buttons": [
            [{"text": b.text, "data": b.callback_data, "url": b.url} for b in row]
            for row in message.inline_keyboard
        ],
        "photo": None if message.photo is None else {"url": file_url(message.photo.file_id)},
        "document": _document(message.document),
    }


def user_message(raw: JSON, files: Any) -> JSON:
    """A message the person sent, as the page draws it (their text, photo or file)."""
    photo = raw.get("photo")
    document = raw.get("document")
    stored = files.get(document["file_id"]) if isinstance(document, dict) else None
    return {
        "id": raw["message_id"],
        "out": True,
        "date": raw.get("date", 0),
        "edited": False,
        "html": escape(str(raw.get("text") or raw.get("caption") or ""), quote=False),
        "buttons": [],
        "photo": {"url": file_url(photo[-1]["file_id"])} if photo else None,
        "document": None
        if not isinstance(document, dict)
        else {
            "url": file_url(document["file_id"]),
            "name": document.get("file_name") or "file",
            "mime": document.get("mime_type") or "application/octet-stream",
            "size": stored.size if stored is not None else document.get("file_size", 0),
            "inline": (document.get("mime_type") or "") in INLINE_TYPES,
        },
    }
