"""打印准考证 for candidates; check-in and absentees for staff at the training day."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.offline.batches import reply_lines
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.offline import tickets
from core.offline.batches import parse_batch_id
from core.texts import t


async def show_ticket(update: Update, context: Context) -> None:
    """Send the candidate's admission ticket as a PDF."""
    assert update.effective_message is not None
    settings = context.bot_data.settings
    document = await served(
        update,
        tickets.my_ticket(context.bot_data.db, identity(update), settings.timezone, settings.issuer_name),
    )
    if document is REFUSED:
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
    if len(args) != 1:
        await update.effective_message.reply_text(t("offline.checkin.usage"))
        return
    view = await served(
        update,
        lambda: tickets.open_checkin(
            services.db, identity(update), services.settings.staff_ids, parse_batch_id(args[0])
        ),
    )
    if view is REFUSED:
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
    done = await served(
        update,
        tickets.check_in(
            services.db, identity(update), services.settings.staff_ids, code, services.settings.timezone
        ),
    )
    if done is REFUSED:
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
    found = await served(
        update,
        lambda: tickets.absentees(
            services.db,
            identity(update),
            services.settings.staff_ids,
            parse_batch_id(args[0]) if args else None,
        ),
    )
    if found is REFUSED:
        return
    view, missing = found
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
