"""Handle one update at most once, whichever process receives it and however often Telegram sends it.

Both ways in (long polling and a webhook request) hand each update here: it is skipped if a record of this
very update exists (core.db.redelivery: id and fingerprint, no id ceiling), else handled with every commit
recording it, so a crash between the commit and Telegram's confirmation cannot apply it twice.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import App, Context
from bot.keyboards import main_menu
from bot.late_answers import PRESSING_CHAT
from bot.observe import trace_update
from core.db import dialogs, redelivery
from core.db.engine import CURRENT_PERSON
from core.db.update_marks import CURRENT_UPDATE, UpdateMark
from core.errors import DomainError
from core.texts import t

log = logging.getLogger(__name__)


async def handle_once(app: App, update: Update, *, moved_on: bool = False) -> None:
    """Apply the update unless it was applied before; run it in a task of its own (it sets context)."""
    db = app.bot_data.db
    with trace_update(app, update) as trace:
        # one person's updates never run in two processes at once (an advisory lock, PostgreSQL)
        CURRENT_PERSON.set(update.effective_user.id if update.effective_user is not None else None)
        fingerprint = redelivery.fingerprint(update.to_dict())
        if await redelivery.was_applied(db, update.update_id, fingerprint):
            log.info("update %s was applied before; skipped", update.update_id)
            trace.result = "duplicate"
            await _replay(app, update, fingerprint, moved_on)
            return
        mark = UpdateMark(update.update_id, fingerprint)
        CURRENT_UPDATE.set(mark)  # this task's own context: every commit while handling records the update
        PRESSING_CHAT.set(update.effective_chat.id if update.effective_chat is not None else None)
        try:
            await app.update_processor.process_update(update, app.process_update(update))
        finally:
            try:
                await redelivery.finish(db, mark)
            except Exception:
                log.exception("could not record update %s as applied", update.update_id)


async def _replay(app: App, update: Update, fingerprint: str, moved_on: bool) -> None:
    """Show the screen the step led to: the crash may have come between saving it and answering.

    The person's open flow shows its current step as it stands (a question, or the quiz message redrawn in
    place); outside a flow that can show itself, a note says the step was kept and how to go on. Someone who
    has written again since saw the answer (or will get one to the newer message): only the button's spinner
    is stopped for them.
    """
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        if update.effective_chat is None or moved_on:
            return
        if not await _show_current_step(app, update, fingerprint):
            await app.bot.send_message(
                update.effective_chat.id, t("common.already_applied"), reply_markup=main_menu()
            )
    except TelegramError as error:  # e.g. an expired button press, or the user blocked the bot
        log.info("could not tell about update %s: %s", update.update_id, error)


async def _show_current_step(app: App, update: Update, fingerprint: str) -> bool:
    """Show the open flow's current step through the feature's own screen; False where there is none.

    Nothing is shown when the step changed after this update was applied: the person has acted since (a
    webhook hands the redelivery to another process, which cannot see their later update in its batch).
    """
    if update.effective_user is None:
        return False
    db = app.bot_data.db
    if await redelivery.went_on_since(db, update.update_id, fingerprint, update.effective_user.id):
        return True
    state = await dialogs.current(db, update.effective_user.id)
    show = app.bot_data.routes.replays.get(state.flow) if state is not None else None
    if state is None or show is None:
        return False
    try:
        await show(update, Context.from_update(update, app), state)
    except DomainError as refused:  # e.g. the step closed meanwhile: the note says how to go on
        log.info("update %s: no screen to show again (%s)", update.update_id, refused.key)
        return False
    log.info("update %s was applied before; its step shown again", update.update_id)
    return True
