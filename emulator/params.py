"""Request parameter parsing (query string, JSON, urlencoded, multipart) and coercion."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

JSON_KEYS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "message_ids",
        "menu_button",
    }
)
INT_KEYS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "from_chat_id",
        "cache_time",
        "max_connections",
        "reply_to_message_id",
        "message_thread_id",
        "width",
        "height",
        "duration",
    }
)
BOOL_KEYS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)


class ApiError(Exception):
    """An error answered to the bot as ``{"ok": false, ...}``."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str | None
    content_type: str | None
    data: bytes
    too_big: bool = False


async def _read_part(part: BodyPartReader, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await part.read_chunk(256 * 1024)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            # keep draining so the connection stays usable, but do not keep the bytes
            while await part.read_chunk(256 * 1024):
                pass
            return b"", True
        chunks.append(chunk)
    return b"".join(chunks), False


async def read_params(
    request: web.Request, upload_limit: int
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Collect all parameters of a Bot API call. Files larger than ``upload_limit`` are marked ``too_big``."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    ctype = request.content_type
    if request.method == "POST" and request.can_read_body:
        if ctype == "application/json":
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    raise bad_request("can't parse JSON encoded request body") from exc
                if not isinstance(body, dict):
                    raise bad_request("JSON object expected as request body")
                params.update(body)
        elif ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    data, too_big = await _read_part(part, upload_limit)
                    content_type = part.headers.get("Content-Type")
                    files[part.name] = UploadedFile(part.filename, content_type, data, too_big)
                else:
                    params[part.name] = (await part.read(decode=True)).decode("utf-8")
        else:
            post = await request.post()
            for key, value in post.items():
                if isinstance(value, str):
                    params[key] = value
    return coerce(params), files


def _to_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0", ""):
        return False
    raise bad_request(f'field "{key}" must be of type Boolean')


def coerce(params: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-serialised fields and convert numbers/booleans the way the Bot API does."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in JSON_KEYS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                if key == "reply_markup":
                    raise bad_request("can't parse reply keyboard markup JSON object") from exc
                raise bad_request(f"can't parse {key} JSON object") from exc
        elif key in INT_KEYS:
            try:
                value = int(value)
            except (TypeError, ValueError) as exc:
                raise bad_request(f'field "{key}" must be of type Integer') from exc
        elif key in BOOL_KEYS:
            value = _to_bool(key, value)
        elif key == "chat_id" and isinstance(value, str):
            stripped = value.strip()
            if stripped.lstrip("-").isdigit():
                value = int(stripped)
        out[key] = value
    return out


def require(params: dict[str, Any], key: str) -> Any:
    value = params.get(key)
    if value is None or value == "":
        if key == "text":
            raise bad_request("message text is empty")
        raise bad_request(f"{key} is empty")
    return value


def json_body(value: Any) -> bytes:
    """Bot API JSON as UTF-8 bytes. A lone surrogate, which no UTF-8 can hold and a real Telegram client can
    never send, goes as its JSON escape (\\ud800), the one form JSON carries it in: a test can hand the bot
    the most hostile text a JSON peer could, and the emulator never fails to encode an update."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "backslashreplace")
