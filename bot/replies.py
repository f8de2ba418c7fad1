"""Turn domain errors into replies, the same way everywhere."""

from __future__ import annotations

from telegram import Update

from core.errors import DomainError
from core.texts import t


def error_text(error: DomainError) -> str:
    """Return the catalogue text for a domain error."""
    return t(error.key, **error.params)


async def reply_error(update: Update, error: DomainError) -> None:
    """Answer a refused action in the chat, or as a callback alert when it came from a button."""
    text = error_text(error)
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
        return
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)
