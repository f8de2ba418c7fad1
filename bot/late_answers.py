"""A button press answered after Telegram's window (about 15 s) must still be carried out and replied to."""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import Any

from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

_EXPIRED = ("query is too old", "query id is invalid")

PRESSING_CHAT: ContextVar[int | None] = ContextVar("pressing_chat", default=None)
"""The chat whose update is being handled (set by the poller), where an expired answer's text still goes."""


class LateAnswerTolerantBot(ExtBot[int]):  # int: AIORateLimiter's per-call arguments
    """Answering an expired callback query is only the spinner; failing it must not abort the handler."""

    async def initialize(self) -> None:
        """Connect; a failed first call (a refused token, an unreachable API) closes the sessions opened."""
        try:
            await super().initialize()
        except BaseException:
            await asyncio.gather(*(request.shutdown() for request in self._request))
            raise

    async def answer_callback_query(
        self, callback_query_id: str, text: str | None = None, *args: Any, **kwargs: Any
    ) -> bool:
        """Answer the press; once expired, its text (if any) is sent to the chat and the handler goes on."""
        try:
            return await super().answer_callback_query(callback_query_id, text, *args, **kwargs)
        except BadRequest as error:
            if not any(mark in error.message.lower() for mark in _EXPIRED):
                raise
        log.info("callback query %s expired before it was answered", callback_query_id)
        chat = PRESSING_CHAT.get()
        if text and chat is not None:
            await self.send_message(chat, text)
        return False
