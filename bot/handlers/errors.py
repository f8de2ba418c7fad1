"""The error handler: log with context, tell the user, never go silent."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden

from bot.context import Context
from bot.replies import reply_error
from core.errors import DomainError
from core.people.users import mark_blocked
from core.texts import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Turn stray domain errors into their text, record blocked users, apologise for the rest."""
    error = context.error
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    if isinstance(error, Forbidden) and user_id is not None:
        log.info("user %s has blocked the bot", user_id)
        await mark_blocked(context.bot_data.db, user_id)
        return
    if isinstance(update, Update) and isinstance(error, DomainError):
        await reply_error(update, error)
        return
    log.error("update from user %s failed", user_id, exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t("common.internal_error")[:200], show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(t("common.internal_error"))
    except Exception:  # the apology itself failed (e.g. the user blocked us): nothing more to do
        log.warning("could not tell user %s about the failure", user_id)
