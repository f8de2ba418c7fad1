"""Turn domain errors into replies, the same way everywhere."""

from __future__ import annotations

from telegram import Update

from core.errors import DomainError
from core.normalise import visible
from core.texts import t

STALE = "common.stale_button"


def error_text(error: DomainError) -> str:
    """Return the catalogue text for a domain error; an echoed value loses its invisible characters, so a
    refusal never sends on the NUL or escape sequence it refused."""
    return t(error.key, **{k: visible(v, None) if isinstance(v, str) else v for k, v in error.params.items()})


async def reply_error(update: Update, error: DomainError) -> None:
    """Answer a refused action in the chat, or as a callback alert when it came from a button."""
    text = error_text(error)
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
        return
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def refuse_button(update: Update, error: DomainError) -> None:
    """Alert politely on a stale or forged button; any other refusal is sent to the chat in full."""
    query = update.callback_query
    assert query is not None
    if error.key == STALE:
        await query.answer(t(STALE), show_alert=True)
        return
    await query.answer()
    assert update.effective_chat is not None
    await update.effective_chat.send_message(error_text(error))
