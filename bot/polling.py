"""Long polling that confirms an update to Telegram only after it was handled, so a crash loses nothing.

PTB's Updater confirms a batch (the next getUpdates offset) as soon as it has fetched it; a bot killed while
handling that batch never sees those updates again. Here a batch is handled first and confirmed after; the
updates a crash interrupts come back, and those already applied are recognised (core.redelivery) and skipped.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut

from bot.context import App
from bot.keyboards import main_menu
from bot.late_answers import PRESSING_CHAT
from core import redelivery
from core.db.update_marks import CURRENT_UPDATE, UpdateMark
from core.texts import t

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
KEEP_RECORDS = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours
PRUNE_EVERY = timedelta(hours=6)


class ConfirmingPoller:
    """Fetch a batch, handle it (in parallel across users), then confirm it with the next getUpdates."""

    def __init__(self, app: App, *, poll_timeout: int = 10, grace: float = 1.0) -> None:
        self._app = app
        self._poll_timeout = poll_timeout
        self._grace = grace  # seconds without any update of a batch finishing before the rest is let go
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stragglers: set[asyncio.Task[None]] = set()
        self._replay_ceiling = 0

    async def start(self) -> None:
        """Learn which updates may be redeliveries, then poll in the background."""
        db = self._app.bot_data.db
        self._replay_ceiling = await redelivery.highest_applied(db)
        self._task = asyncio.create_task(self._run(), name="confirming-poller")

    async def stop(self) -> None:
        """Finish the batch in hand, confirm it, and stop."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._stragglers:
            await asyncio.gather(*self._stragglers, return_exceptions=True)

    async def _run(self) -> None:
        offset: int | None = None
        loop = asyncio.get_running_loop()
        next_prune = loop.time()
        while not self._stopping.is_set():
            if loop.time() >= next_prune:
                await self._prune()
                next_prune = loop.time() + PRUNE_EVERY.total_seconds()
            updates = await self._fetch(offset)
            if updates:
                await self._handle_batch(updates)
                offset = updates[-1].update_id + 1
        if offset is not None:  # confirm the last batch now, as the next start would otherwise redo it
            await self._fetch(offset, wait=0, limit=1)

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
            log.warning("getUpdates failed (%s); retrying", error)
            await self._pause(2)
        except Exception:
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
        pending = {asyncio.create_task(self._handle(u, u.update_id in moved_on)) for u in updates}
        while pending:  # wait while the batch makes progress; a slow straggler must not hold up everyone
            done, pending = await asyncio.wait(
                pending, timeout=self._grace, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                break
        for task in pending:  # confirmed with the batch: a crash before they finish loses them
            self._stragglers.add(task)
            task.add_done_callback(self._stragglers.discard)

    async def _handle(self, update: Update, moved_on: bool) -> None:
        db = self._app.bot_data.db
        if update.update_id <= self._replay_ceiling and await redelivery.was_applied(db, update.update_id):
            log.info("update %s was applied before the restart; skipped", update.update_id)
            await self._tell_already_applied(update, moved_on)
            return
        mark = UpdateMark(update.update_id)
        CURRENT_UPDATE.set(mark)  # this task's own context: every commit while handling records the update
        PRESSING_CHAT.set(update.effective_chat.id if update.effective_chat is not None else None)
        try:
            await self._app.update_processor.process_update(update, self._app.process_update(update))
        finally:
            try:
                await redelivery.finish(db, mark)
            except Exception:
                log.exception("could not record update %s as applied", update.update_id)

    async def _tell_already_applied(self, update: Update, moved_on: bool) -> None:
        """Say the step was kept and how to go on: the crash may have come between saving it and answering.

        Someone who has written again since saw the answer (or will get one to the newer message): only the
        button's spinner is stopped for them.
        """
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            if update.effective_chat is not None and not moved_on:
                await self._app.bot.send_message(
                    update.effective_chat.id, t("common.already_applied"), reply_markup=main_menu()
                )
        except TelegramError as error:  # e.g. an expired button press, or the user blocked the bot
            log.info("could not tell about update %s: %s", update.update_id, error)

    async def _prune(self) -> None:
        try:
            await redelivery.forget_before(self._app.bot_data.db, datetime.now(UTC) - KEEP_RECORDS)
        except Exception:
            log.exception("could not prune applied-update records")


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
