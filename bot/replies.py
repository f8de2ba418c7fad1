"""Turn domain errors into replies, the same way everywhere."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from telegram import Update

from core.errors import DomainError
from core.normalise import visible
from core.texts import t

STALE = "common.stale_button"

T = TypeVar("T")


class Refused(enum.Enum):
    """What `served` returns when the service refused, distinct from any result (None included)."""

    REFUSED = enum.auto()


REFUSED: Final = Refused.REFUSED


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


async def served(update: Update, call: Awaitable[T] | Callable[[], Awaitable[T]]) -> T | Refused:
    """Await a core service call and return its result, or answer its DomainError with `reply_error` and
    return REFUSED; pass a lambda when building the call's arguments may itself be refused (button_number)."""
    try:
        return await (call() if callable(call) else call)
    except DomainError as error:
        await reply_error(update, error)
        return REFUSED


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
