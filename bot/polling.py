"""Long polling that confirms an update to Telegram only after it was handled, so a crash loses nothing.

PTB's Updater confirms a batch (the next getUpdates offset) as soon as it has fetched it; a bot killed while
handling that batch never sees those updates again. Here a batch is handled first and confirmed after; the
updates a crash interrupts come back, and those already applied are recognised (bot.apply_once) and skipped.

A slow update must not hold up everyone, so the poller goes on to the next batch while it is still being
handled; but Telegram's offset confirms every update below it, so the offset stops at the oldest update still
in hand. Telegram then hands the later ones out again on each fetch; this process knows it has them (in hand
or done) and skips them, until the slow one finishes and the offset moves past them all.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from functools import partial

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut

from bot.apply_once import handle_once
from bot.context import App

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]


class ConfirmingPoller:
    """Fetch a batch, handle it (in parallel across users), then confirm it with the next getUpdates."""

    def __init__(self, app: App, *, poll_timeout: int = 10, grace: float = 1.0) -> None:
        self._app = app
        self._poll_timeout = poll_timeout
        self._grace = grace  # seconds without any update of a batch finishing before the rest is let go
        self._refetch = 0.1  # seconds between fetches while only updates already in hand come back
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_hand: dict[int, asyncio.Task[None]] = {}  # update id -> its handling, until it ends
        self._done: set[int] = set()  # handled here, but not yet confirmable: an older one is still in hand
        self._seen = 0  # the highest update id fetched

    async def start(self) -> None:
        """Poll in the background."""
        self._task = asyncio.create_task(self._run(), name="confirming-poller")

    async def stop(self) -> None:
        """Finish every update in hand, confirm them, and stop."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        offset: int | None = None
        while not self._stopping.is_set():
            updates = await self._fetch(offset)
            fresh = [u for u in updates if u.update_id not in self._in_hand and u.update_id not in self._done]
            if fresh:
                await self._handle_batch(fresh)
            elif updates:  # only what is in hand came back: the offset waits for a slow update
                await self._pause(self._refetch)
            if updates:
                offset = self._confirmable()
        if self._in_hand:
            await asyncio.gather(*self._in_hand.values(), return_exceptions=True)
        if offset is not None:  # confirm the last batch now, as the next start would otherwise redo it
            await self._fetch(self._confirmable(), wait=0, limit=1)

    def _confirmable(self) -> int:
        """The next offset: past everything fetched, but never past an update still being handled."""
        if not self._in_hand:
            self._done.clear()
            return self._seen + 1
        oldest = min(self._in_hand)
        self._done = {update_id for update_id in self._done if update_id > oldest}
        return oldest

    async def _fetch(self, offset: int | None, *, wait: int | None = None, limit: int = 100) -> list[Update]:
        """Ask for updates; network trouble waits and retries instead of ending the bot."""
        stop_wait = asyncio.ensure_future(self._stopping.wait())
        request = asyncio.ensure_future(
            self._app.bot.get_updates(
                offset=offset,
                limit=limit,
                timeout=timedelta(seconds=self._poll_timeout if wait is None else wait),
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        try:
            waits = {request} if wait == 0 else {request, stop_wait}
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if not request.done():  # stopping: nothing fetched, nothing to confirm
                request.cancel()
                return []
            return list(request.result())
        except RetryAfter as error:
            retry = error.retry_after
            await self._pause(retry.total_seconds() if isinstance(retry, timedelta) else float(retry))
        except TimedOut:
            pass
        except InvalidToken:
            log.critical("Telegram refused the bot token; check BOT_TOKEN")
            await self._pause(30)
        except TelegramError as error:  # network trouble, or Conflict: another instance polls the same bot
            self._app.bot_data.metrics.errors.labels("get_updates").inc()
            log.warning("getUpdates failed (%s); retrying", error)
            await self._pause(2)
        except Exception:
            self._app.bot_data.metrics.errors.labels("get_updates").inc()
            log.exception("getUpdates failed unexpectedly; retrying")
            await self._pause(5)
        finally:
            stop_wait.cancel()
        return []

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def _handle_batch(self, updates: list[Update]) -> None:
        moved_on = _answered_by_later(updates)
        pending: set[asyncio.Task[None]] = set()
        for update in updates:
            self._seen = max(self._seen, update.update_id)
            task = asyncio.create_task(self._handle(update, update.update_id in moved_on))
            self._in_hand[update.update_id] = task
            task.add_done_callback(partial(self._finished, update.update_id))
            pending.add(task)
        while pending:  # wait while the batch makes progress; a slow straggler must not hold up everyone
            done, pending = await asyncio.wait(
                pending, timeout=self._grace, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                break  # the rest stays in hand, and unconfirmed, while the next batch is fetched

    def _finished(self, update_id: int, _: asyncio.Task[None]) -> None:
        self._in_hand.pop(update_id, None)
        self._done.add(update_id)

    async def _handle(self, update: Update, moved_on: bool) -> None:
        await handle_once(self._app, update, moved_on=moved_on)


def _answered_by_later(updates: list[Update]) -> set[int]:
    """Updates followed in the batch by another from the same chat: that person saw the answer and went on."""
    later: set[int] = set()
    seen: set[int] = set()
    for update in reversed(updates):
        chat = update.effective_chat
        if chat is None:
            continue
        if chat.id in seen:
            later.add(update.update_id)
        seen.add(chat.id)
    return later
