"""打印准考证 for candidates; check-in and absentees for staff at the training day."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.offline.batches import reply_lines
from bot.handlers.start import identity
from bot.replies import reply_error
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.errors import DomainError
from core.offline import tickets
from core.offline.batches import parse_batch_id
from core.texts import t


async def show_ticket(update: Update, context: Context) -> None:
    """Send the candidate's admission ticket as a PDF."""
    assert update.effective_message is not None
    try:
        settings = context.bot_data.settings
        document = await tickets.my_ticket(
            context.bot_data.db, identity(update), settings.timezone, settings.issuer_name
        )
    except DomainError as error:
        await reply_error(update, error)
        return
    await update.effective_message.reply_document(
        document.pdf,
        filename=document.filename,
        caption=t("offline.ticket.caption", ticket=document.ticket_no),
    )


async def open_checkin(update: Update, context: Context) -> None:
    """/checkin_open 批次号: codes sent next are checked against this batch."""
    services = context.bot_data
    assert update.effective_message is not None
    args = list(context.args or [])
    try:
        if len(args) != 1:
            await update.effective_message.reply_text(t("offline.checkin.usage"))
            return
        view = await tickets.open_checkin(
            services.db, identity(update), services.settings.staff_ids, parse_batch_id(args[0])
        )
    except DomainError as error:
        await reply_error(update, error)
        return
    await update.effective_message.reply_text(
        t(
            "offline.checkin.opened",
            id=view.id,
            name=view.name,
            day=t("common.date", d=view.day),
            assigned=view.assigned,
        )
    )


async def _check(update: Update, context: Context, code: str) -> None:
    services = context.bot_data
    assert update.effective_message is not None
    try:
        done = await tickets.check_in(
            services.db, identity(update), services.settings.staff_ids, code, services.settings.timezone
        )
    except DomainError as error:
        await reply_error(update, error)
        return
    await update.effective_message.reply_text(
        t(
            "offline.checkin.done",
            name=done.name,
            masked_id=done.masked_id,
            ticket=done.ticket_no,
            present=done.present,
            assigned=done.batch.assigned,
        )
    )


async def checkin(update: Update, context: Context) -> None:
    """/checkin 准考证号"""
    args = list(context.args or [])
    if len(args) != 1:
        assert update.effective_message is not None
        await update.effective_message.reply_text(t("offline.checkin.usage"))
        return
    await _check(update, context, args[0])


async def on_scanned(update: Update, context: Context, state: DialogState) -> None:
    """A code typed or scanned while check-in is open."""
    message = update.effective_message
    assert message is not None
    if message.text is None or message.text.startswith("/"):
        await message.reply_text(t("offline.checkin.usage"))
        return
    await _check(update, context, message.text)


async def absent(update: Update, context: Context) -> None:
    """/absent [批次号]: who has not checked in."""
    services = context.bot_data
    assert update.effective_message is not None
    args = list(context.args or [])
    try:
        batch_id = parse_batch_id(args[0]) if args else None
        view, missing = await tickets.absentees(
            services.db, identity(update), services.settings.staff_ids, batch_id
        )
    except DomainError as error:
        await reply_error(update, error)
        return
    if not missing:
        await update.effective_message.reply_text(
            t("offline.checkin.absent_none", id=view.id, name=view.name, assigned=view.assigned)
        )
    else:
        lines = [t("offline.checkin.absent_header", id=view.id, name=view.name, count=len(missing))]
        lines += [
            t(
                "offline.checkin.absent_line",
                name=a.name,
                masked_id=a.masked_id,
                ticket=a.ticket_no,
                mobile=a.mobile,
            )
            for a in missing
        ]
        await reply_lines(update, lines)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Staff check-in commands; the ticket itself is reached through the menu."""
    return [
        CommandHandler("checkin_open", open_checkin),
        CommandHandler("checkin", checkin),
        CommandHandler("absent", absent),
    ]


ROUTES = Routes(menu={"ticket": show_ticket}, flows={tickets.CHECKIN_FLOW: on_scanned})
