"""Helpers the staff and liaison handlers share: who is asking, callback parsing, safe notices."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest, Forbidden

from bot.context import Context
from bot.handlers.start import identity
from core.people.users import TelegramIdentity
from core.texts import t

log = logging.getLogger(__name__)

__all__ = ["button", "callback_parts", "identity", "notify", "reply", "staff_ids", "stale"]


def staff_ids(context: Context) -> frozenset[int]:
    """The configured staff ids every privileged service re-checks."""
    return context.bot_data.settings.staff_ids


def button(label_key: str, data: str, **params: str) -> InlineKeyboardButton:
    """An inline button labelled from the catalogue."""
    return InlineKeyboardButton(t(label_key, **params), callback_data=data)


def callback_parts(update: Update, count: int) -> list[str] | None:
    """The values after `prefix:action:` in the callback data, or None unless there are exactly `count`."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")[2:]
    return parts if len(parts) == count else None


async def stale(update: Update) -> None:
    """Answer a forged or outdated button politely."""
    assert update.callback_query is not None
    await update.callback_query.answer(t("common.stale_button"), show_alert=True)


async def reply(update: Update, text: str, **kwargs: object) -> None:
    """Send a new message in the chat the update came from; a button press is answered first."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_chat is not None
    await update.effective_chat.send_message(text, **kwargs)  # type: ignore[arg-type]


async def notify(context: Context, telegram_id: int, text: str) -> bool:
    """Tell someone other than the sender; False when they blocked the bot or never opened it."""
    try:
        await context.bot.send_message(chat_id=telegram_id, text=text)
    except (Forbidden, BadRequest) as error:
        log.info("could not notify user %s: %s", telegram_id, error)
        return False
    return True


def who(update: Update) -> TelegramIdentity:
    """The sender as core services know them."""
    return identity(update)
