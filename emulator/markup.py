"""Validation of message text/captions (parse modes, lengths) and reply markup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.html import EntityParseError, parse_html
from emulator.limits import MAX_CALLBACK_DATA_BYTES
from emulator.params import ApiError, bad_request
from emulator.state import JSON, InlineButton

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass(frozen=True, slots=True)
class FormattedText:
    text: str
    raw: str
    entities: tuple[JSON, ...]
    parse_mode: str | None


def format_text(
    raw: Any, parse_mode: Any, entities: Any, max_length: int, too_long: str, strict_html: bool
) -> FormattedText:
    """Parse ``raw`` according to ``parse_mode`` and check the length like Telegram."""
    if not isinstance(raw, str):
        raw = str(raw)
    mode: str | None = parse_mode if isinstance(parse_mode, str) and parse_mode else None
    parsed_entities: list[JSON] = []
    if mode is None:
        text = raw
        if isinstance(entities, list):
            parsed_entities = [e for e in entities if isinstance(e, dict)]
    elif mode.lower() == "html":
        try:
            text, parsed_entities = parse_html(raw, strict_ampersand=strict_html)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode.lower() in ("markdown", "markdownv2"):
        text = raw  # not validated: the project formats with HTML
    else:
        raise bad_request("unsupported parse_mode")
    if len(text) > max_length:
        raise bad_request(too_long)
    return FormattedText(text=text, raw=raw, entities=tuple(parsed_entities), parse_mode=mode)


def _inline_button(raw: Any) -> InlineButton:
    if not isinstance(raw, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request(
            "BUTTON_TEXT_EMPTY"
            if isinstance(text, str)
            else 'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(raw.get(key) not in (None, "") for key in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = raw.get("callback_data")
    if data is not None:
        if not isinstance(data, str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
            )
        if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    url = raw.get("url")
    if url is not None and (not isinstance(url, str) or ("." not in url and not url.startswith("tg://"))):
        raise bad_request("BUTTON_URL_INVALID")
    return InlineButton(text=text, callback_data=data or None, url=url)


@dataclass(frozen=True, slots=True)
class Markup:
    """Parsed ``reply_markup``: exactly one of the fields is meaningful."""

    inline: tuple[tuple[InlineButton, ...], ...] = ()
    inline_raw: JSON | None = None
    keyboard: list[list[str]] | None = None
    one_time: bool = False
    remove_keyboard: bool = False
    force_reply: bool = False


def parse_markup(raw: Any) -> Markup:
    if raw is None or raw == "":
        return Markup()
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'can\'t parse inline keyboard: field "inline_keyboard" must be an Array of Arrays'
            )
        inline = tuple(tuple(_inline_button(b) for b in row) for row in rows)
        inline = tuple(row for row in inline if row)
        return Markup(inline=inline, inline_raw={"inline_keyboard": rows} if inline else None)
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('can\'t parse keyboard: field "keyboard" must be an Array of Arrays')
        labels: list[list[str]] = []
        for row in rows:
            labels_row: list[str] = []
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
                labels_row.append(label)
            if labels_row:
                labels.append(labels_row)
        return Markup(keyboard=labels, one_time=bool(raw.get("one_time_keyboard")))
    if raw.get("remove_keyboard"):
        return Markup(remove_keyboard=True)
    if raw.get("force_reply"):
        return Markup(force_reply=True)
    raise bad_request('can\'t find field "inline_keyboard"')


def inline_only(raw: Any) -> Markup:
    """Edits accept only inline keyboards."""
    markup = parse_markup(raw)
    if markup.keyboard is not None or markup.remove_keyboard or markup.force_reply:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    return markup
