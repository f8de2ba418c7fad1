"""Bot API methods that create, change or delete messages."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from emulator.chats import Chat
from emulator.host import Host
from emulator.limits import MAX_CALLBACK_ANSWER_TEXT, MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH
from emulator.markup import FormattedText, Markup, format_text, inline_only, parse_markup
from emulator.params import ApiError, bad_request, require
from emulator.state import JSON, BotMessage, CallbackAnswer, image_size
from emulator.uploads import Files, bot_file, input_file


def chat_user(emu: Host, params: dict[str, Any]) -> Chat:
    chat_id = require(params, "chat_id")
    user = emu.users.get(chat_id) if isinstance(chat_id, int) else None
    if user is None:
        raise bad_request("chat not found")
    if user.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if not user.started:
        raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
    return user


def _caption(emu: Host, params: dict[str, Any]) -> FormattedText | None:
    caption = params.get("caption")
    if caption is None or caption == "":
        return None
    return format_text(
        caption,
        params.get("parse_mode"),
        params.get("caption_entities"),
        MAX_CAPTION_LENGTH,
        "message caption is too long",
        emu.strict_html,
    )


def _message_text(emu: Host, params: dict[str, Any]) -> FormattedText:
    formatted = format_text(
        require(params, "text"),
        params.get("parse_mode"),
        params.get("entities"),
        MAX_TEXT_LENGTH,
        "message is too long",
        emu.strict_html,
    )
    if not formatted.text.strip():
        raise bad_request("message text is empty")
    return formatted


def _caption_fields(caption: FormattedText | None) -> dict[str, Any]:
    return {
        "caption": caption.text if caption else None,
        "html": caption.raw if caption else None,
        "caption_entities": caption.entities if caption else (),
        "parse_mode": caption.parse_mode if caption else None,
    }


def _reply_to(user: Chat, params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    message_id: Any = (
        reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
    )
    if message_id is None:
        return None
    allow = bool(params.get("allow_sending_without_reply")) or (
        isinstance(reply, dict) and bool(reply.get("allow_sending_without_reply"))
    )
    if message_id not in user.user_messages and message_id not in user.bot_messages:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return int(message_id)


def _deliver(
    emu: Host,
    user: Chat,
    method: str,
    params: dict[str, Any],
    markup: Markup,
    **fields: Any,
) -> JSON:
    reply_to = _reply_to(user, params)
    retry = emu.limiter.acquire(user.id)
    if retry:
        raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
    message = BotMessage(
        message_id=user.allocate_message_id(),
        chat_id=user.id,
        date=int(time.time()),
        inline_keyboard=markup.inline,
        reply_markup=markup.inline_raw,
        reply_keyboard=markup.keyboard,
        reply_to_message_id=reply_to,
        **fields,
    )
    user.bot_messages[message.message_id] = message
    if markup.keyboard is not None:
        user.set_reply_keyboard(markup.keyboard, markup.one_time)
    elif markup.remove_keyboard:
        user.set_reply_keyboard(None)
    user.record("message", message)
    emu.stats.messages_sent += 1
    emu.sent_log.append((time.monotonic(), user.id, method))
    return emu.serialize(message, user)


async def send_message(emu: Host, params: dict[str, Any], files: Files) -> JSON:
    user = chat_user(emu, params)
    formatted = _message_text(emu, params)
    markup = parse_markup(params.get("reply_markup"))
    return _deliver(
        emu,
        user,
        "sendMessage",
        params,
        markup,
        text=formatted.text,
        html=formatted.raw,
        entities=formatted.entities,
        parse_mode=formatted.parse_mode,
    )


async def send_document(emu: Host, params: dict[str, Any], files: Files) -> JSON:
    user = chat_user(emu, params)
    stored = input_file(emu.files, params, files, "document", "documents")
    caption = _caption(emu, params)
    markup = parse_markup(params.get("reply_markup"))
    return _deliver(
        emu,
        user,
        "sendDocument",
        params,
        markup,
        document=bot_file(stored),
        **_caption_fields(caption),
    )


async def send_photo(emu: Host, params: dict[str, Any], files: Files) -> JSON:
    user = chat_user(emu, params)
    stored = input_file(emu.files, params, files, "photo", "photos")
    width, height = image_size(stored.data)
    if stored.data and width == 0:
        raise bad_request("IMAGE_PROCESS_FAILED")
    caption = _caption(emu, params)
    markup = parse_markup(params.get("reply_markup"))
    return _deliver(
        emu,
        user,
        "sendPhoto",
        params,
        markup,
        photo=bot_file(stored, width, height),
        **_caption_fields(caption),
    )


def _message_to_edit(emu: Host, params: dict[str, Any]) -> tuple[Chat, BotMessage]:
    if params.get("inline_message_id"):
        raise bad_request("message to edit not found")
    user = chat_user(emu, params)
    message_id = require(params, "message_id")
    message = user.bot_messages.get(message_id)
    if message is None:
        if message_id in user.user_messages:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return user, message


_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)


def _apply_edit(emu: Host, user: Chat, old: BotMessage, **changes: Any) -> JSON:
    new = dataclasses.replace(old, **changes)
    compared = [key for key in changes if key not in ("html", "parse_mode")]
    if all(getattr(new, key) == getattr(old, key) for key in compared):
        raise bad_request(_NOT_MODIFIED)
    new = dataclasses.replace(new, edited=True, edit_date=int(time.time()))
    user.bot_messages[old.message_id] = new
    user.record("edit", new)
    return emu.serialize(new, user)


async def edit_message_text(emu: Host, params: dict[str, Any], files: Files) -> JSON:
    user, message = _message_to_edit(emu, params)
    formatted = _message_text(emu, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    markup = inline_only(params.get("reply_markup"))
    return _apply_edit(
        emu,
        user,
        message,
        text=formatted.text,
        entities=formatted.entities,
        inline_keyboard=markup.inline,
        reply_markup=markup.inline_raw,
        html=formatted.raw,
        parse_mode=formatted.parse_mode,
    )


async def edit_message_caption(emu: Host, params: dict[str, Any], files: Files) -> JSON:
    user, message = _message_to_edit(emu, params)
    if message.document is None and message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption = _caption(emu, params)
    markup = inline_only(params.get("reply_markup"))
    return _apply_edit(
        emu,
        user,
        message,
        inline_keyboard=markup.inline,
        reply_markup=markup.inline_raw,
        **_caption_fields(caption),
    )


async def edit_message_reply_markup(emu: Host, params: dict[str, Any], files: Files) -> JSON:
    user, message = _message_to_edit(emu, params)
    markup = inline_only(params.get("reply_markup"))
    return _apply_edit(emu, user, message, inline_keyboard=markup.inline, reply_markup=markup.inline_raw)


async def delete_message(emu: Host, params: dict[str, Any], files: Files) -> bool:
    chat_id = require(params, "chat_id")
    user = emu.users.get(chat_id) if isinstance(chat_id, int) else None
    if user is None:
        raise bad_request("chat not found")
    message_id = require(params, "message_id")
    message = user.bot_messages.pop(message_id, None)
    if message is not None:
        user.record("delete", message)
        return True
    if user.user_messages.pop(message_id, None) is not None:
        return True
    raise bad_request("message to delete not found")


async def answer_callback_query(emu: Host, params: dict[str, Any], files: Files) -> bool:
    query_id = str(require(params, "callback_query_id"))
    entry = emu.callbacks.pop(query_id, None)
    if entry is None or time.monotonic() - entry[1] > emu.callback_query_ttl:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.get("text")
    if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    future = entry[2]
    if not future.done():
        future.set_result(
            CallbackAnswer(
                text=text or None, show_alert=bool(params.get("show_alert")), url=params.get("url")
            )
        )
    return True
