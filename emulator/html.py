"""Telegram-compatible parser for ``parse_mode=HTML``.

Produces the plain text (tags stripped, entities decoded) and a list of
MessageEntity dicts (offsets/lengths in UTF-16 code units), or raises
:class:`EntityParseError` with a description worded like Telegram's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAG_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{1,10}));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"\s*([a-zA-Z0-9_-]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")


class EntityParseError(ValueError):
    """HTML could not be parsed; ``str(exc)`` is the part after "can't parse entities: "."""


@dataclass
class _Open:
    name: str
    start: int  # utf-16 offset in the output
    attrs: dict[str, str] = field(default_factory=dict)
    text_start: int = 0  # index in output chars (for <pre><code> language lookup)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, i: int, strict: bool) -> tuple[str, int]:
    match = _ENTITY_RE.match(source, i)
    if match is not None:
        dec, hexa, name = match.groups()
        if name is not None:
            if name in _NAMED_ENTITIES:
                return _NAMED_ENTITIES[name], match.end()
        else:
            code = int(dec) if dec is not None else int(hexa, 16)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), match.end()
    if strict:
        raise EntityParseError(
            f'Unescaped "&" or unsupported HTML entity at byte offset {_byte_offset(source, i)}'
        )
    return "&", i + 1


def _parse_attrs(source: str, i: int, tag: str) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(source)
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
        if source[i] == ">":
            return attrs, i + 1
        if source[i] == "/" and i + 1 < n and source[i + 1] == ">":
            return attrs, i + 2
        match = _ATTR_RE.match(source, i)
        if match is None or match.end() == i:
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(source, i)}"
            )
        name, raw = match.group(1).lower(), match.group(2) or ""
        if raw[:1] in ("'", '"'):
            raw = raw[1:-1]
        attrs[name] = _decode_all(raw)
        i = match.end()


def _decode_all(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            ch, i = _decode_entity(raw, i, strict=False)
            out.append(ch)
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _make_entity(tag: _Open, end: int, text: str) -> dict[str, Any] | None:
    if end <= tag.start:
        return None
    kind = _TAG_TYPES[tag.name]
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": end - tag.start}
    if kind == "text_link":
        url = tag.attrs.get("href", "")
        if not url:
            return None
        if url.startswith("tg://user?id="):
            entity = {"type": "text_mention", "offset": tag.start, "length": end - tag.start}
            entity["user"] = {"id": int(url.split("=", 1)[1] or 0), "is_bot": False, "first_name": ""}
        else:
            entity["url"] = url
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "code" and tag.attrs.get("class", "").startswith("language-"):
        entity["_language"] = tag.attrs["class"][len("language-") :]
    return entity


def parse_html(source: str, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML into ``(plain_text, entities)``."""
    out: list[str] = []
    offset = 0  # utf-16 offset of the output so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded, i = _decode_entity(source, i, strict_ampersand)
            out.append(decoded)
            offset += utf16_len(decoded)
            continue
        if ch != "<":
            out.append(ch)
            offset += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        tag_at = i
        if i + 1 < n and source[i + 1] == "/":
            match = _TAG_NAME_RE.match(source, i + 2)
            assert match is not None
            name = match.group(0).lower()
            j = match.end()
            while j < n and source[j].isspace():
                j += 1
            if j >= n or source[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(source, tag_at)}")
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(source, tag_at)}")
            if stack[-1].name != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, tag_at)}, "
                    f'expected "</{stack[-1].name}>", found "</{name}>"'
                )
            opened = stack.pop()
            entity = _make_entity(opened, offset, "")
            if entity is not None:
                entities.append(entity)
            i = j + 1
            continue
        match = _TAG_NAME_RE.match(source, i + 1)
        assert match is not None
        name = match.group(0).lower()
        if name not in _TAG_TYPES:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, tag_at)}'
            )
        attrs, i = _parse_attrs(source, match.end(), name)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, tag_at)}'
            )
        stack.append(_Open(name=name, start=offset, attrs=attrs))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out), _finish_entities(entities)


def _finish_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge ``<pre><code class="language-x">`` into a single pre entity and sort like Telegram."""
    pres = {(e["offset"], e["length"]): e for e in entities if e["type"] == "pre"}
    result: list[dict[str, Any]] = []
    for entity in entities:
        language = entity.pop("_language", None)
        if entity["type"] == "code" and (entity["offset"], entity["length"]) in pres:
            if language:
                pres[(entity["offset"], entity["length"])]["language"] = language
            continue
        result.append(entity)
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return result
