"""Registry of supported Bot API methods (lower-case name -> handler) and the simple ones."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from emulator import messages
from emulator.host import Host
from emulator.limits import MAX_DOCUMENT_UPLOAD, MAX_DOWNLOAD_SIZE, MAX_PHOTO_UPLOAD
from emulator.params import UploadedFile, bad_request, require
from emulator.state import JSON

Handler = Callable[[Host, dict[str, Any], dict[str, UploadedFile]], Awaitable[Any]]
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def upload_limit_for(method: str) -> int:
    return MAX_PHOTO_UPLOAD if method == "sendphoto" else MAX_DOCUMENT_UPLOAD


async def get_me(emu: Host, params: dict[str, Any], files: Any) -> JSON:
    return {
        **emu.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(emu: Host, params: dict[str, Any], files: Any) -> list[JSON]:
    return await emu.updates.get_updates(params)


async def set_webhook(emu: Host, params: dict[str, Any], files: Any) -> bool:
    url = str(params.get("url") or "")
    if url and not url.startswith("https://") and not url.startswith("http://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
        raise bad_request("secret token contains unallowed characters")
    connections = params.get("max_connections")
    if connections is not None and not 1 <= int(connections) <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    queue = emu.updates
    queue.webhook_url = url
    queue.webhook_secret = str(secret) if secret is not None else None
    queue.webhook_max_connections = int(connections) if connections is not None else 40
    queue.last_error_date = queue.last_error_message = None
    if isinstance(params.get("allowed_updates"), list):
        queue.allowed_updates = frozenset(str(x) for x in params["allowed_updates"])
    if params.get("drop_pending_updates"):
        queue.drop_pending()
    if url:
        emu.webhook.start()
        emu.webhook.wake()
    else:
        await emu.webhook.stop()
    return True


async def delete_webhook(emu: Host, params: dict[str, Any], files: Any) -> bool:
    emu.updates.webhook_url = ""
    await emu.webhook.stop()
    if params.get("drop_pending_updates"):
        emu.updates.drop_pending()
    return True


async def get_webhook_info(emu: Host, params: dict[str, Any], files: Any) -> JSON:
    return emu.updates.webhook_info()


async def get_file(emu: Host, params: dict[str, Any], files: Any) -> JSON:
    stored = emu.files.get(str(require(params, "file_id")))
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


def _commands_key(emu: Host, params: dict[str, Any]) -> str:
    """``"default"``, ``"all_private_chats"``, ``"chat:42"``... plus ``"|lang"`` when a language is given.

    As on Telegram, an unknown scope type is refused, and so is a chat scope naming a chat the bot cannot see
    (a user who never started it).
    """
    scope = params.get("scope") if isinstance(params.get("scope"), dict) else {"type": "default"}
    assert isinstance(scope, dict)
    kind = str(scope.get("type", "default"))
    if kind not in _SCOPE_TYPES:
        raise bad_request("BOT_COMMAND_SCOPE_INVALID")
    key = kind
    if kind.startswith("chat"):
        raw = scope.get("chat_id")
        chat_id = int(raw) if isinstance(raw, int | str) and str(raw).lstrip("-").isdigit() else None
        user = emu.users.get(chat_id) if chat_id is not None else None
        if user is None or not user.started:
            raise bad_request("chat not found")
        key += f":{chat_id}"
    if "user_id" in scope:
        key += f":{scope['user_id']}"
    language = params.get("language_code")
    return f"{key}|{language}" if language else key


async def set_my_commands(emu: Host, params: dict[str, Any], files: Any) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("commands is empty" if commands is None else "can't parse commands JSON object")
    cleaned: list[JSON] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand")
        name, description = str(command.get("command", "")), str(command.get("description", ""))
        if not _COMMAND_NAME.fullmatch(name.lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not description.strip() or len(description) > 256:
            raise bad_request("command description must be non-empty")
        cleaned.append({"command": name.lower(), "description": description})
    if len(cleaned) > 100:
        raise bad_request("too many commands")
    emu.commands[_commands_key(emu, params)] = cleaned
    return True


async def get_my_commands(emu: Host, params: dict[str, Any], files: Any) -> list[JSON]:
    return list(emu.commands.get(_commands_key(emu, params), []))


async def delete_my_commands(emu: Host, params: dict[str, Any], files: Any) -> bool:
    emu.commands.pop(_commands_key(emu, params), None)
    return True


async def send_chat_action(emu: Host, params: dict[str, Any], files: Any) -> bool:
    messages.chat_user(emu, params)
    if params.get("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def get_chat(emu: Host, params: dict[str, Any], files: Any) -> JSON:
    chat_id = require(params, "chat_id")
    user = emu.users.get(chat_id) if isinstance(chat_id, int) else None
    if user is None:
        raise bad_request("chat not found")
    return {**user.chat_json(), "accent_color_id": 0, "max_reaction_count": 11}


def _constant(value: Any) -> Handler:
    async def handler(emu: Host, params: dict[str, Any], files: Any) -> Any:
        return value() if callable(value) else value

    return handler


_HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": messages.send_message,
    "sendDocument": messages.send_document,
    "sendPhoto": messages.send_photo,
    "editMessageText": messages.edit_message_text,
    "editMessageCaption": messages.edit_message_caption,
    "editMessageReplyMarkup": messages.edit_message_reply_markup,
    "deleteMessage": messages.delete_message,
    "answerCallbackQuery": messages.answer_callback_query,
    "getFile": get_file,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendChatAction": send_chat_action,
    "getChat": get_chat,
    "close": _constant(True),
    "logOut": _constant(True),
    "setChatMenuButton": _constant(True),
    "getChatMenuButton": _constant({"type": "commands"}),
    "setMyDescription": _constant(True),
    "setMyShortDescription": _constant(True),
    "setMyName": _constant(True),
    "getMyDescription": _constant({"description": ""}),
    "getMyShortDescription": _constant({"short_description": ""}),
}
METHODS: dict[str, Handler] = {name.lower(): handler for name, handler in _HANDLERS.items()}
CANONICAL_NAMES: dict[str, str] = {name.lower(): name for name in _HANDLERS}
