"""邮寄服务: the postal form for a printed certificate, and staff marking requests sent."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.offline.batches import reply_lines
from bot.handlers.staff_common import notify
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.certificates import mailing
from core.db.dialogs import DialogState
from core.texts import t


async def show_mailing(update: Update, context: Context) -> None:
    """邮寄服务: the requests with address, state and tracking number, and the button to ask for one."""
    message = update.effective_message
    assert message is not None
    view = await served(update, mailing.overview(context.bot_data.db, identity(update)))
    if view is REFUSED:
        return
    if view.certificate_no is None:
        await message.reply_text(t("documents.mail.no_certificate"))
        return
    lines = [t("documents.mail.header", number=view.certificate_no)]
    for request in view.requests:
        state = (
            t("certs.mail.state_sent", tracking=request.tracking_no)
            if request.status == "sent"
            else t("certs.mail.state_requested")
        )
        lines.append(
            t(
                "documents.mail.line",
                id=request.id,
                at=t("common.date", d=request.requested_at.astimezone(context.bot_data.settings.timezone)),
                recipient=request.recipient,
                mobile=request.mobile,
                address=request.address,
                postcode=request.postcode,
                state=state,
            )
        )
    if not view.requests:
        lines.append(t("documents.mail.none_yet"))
    if view.revoked:
        lines.append(t("certs.mail.revoked"))
    markup = None
    if view.can_request:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t("certs.cert.mail_button"), callback_data="cert:mail")]]
        )
    await message.reply_text("\n".join(lines), reply_markup=markup)


async def on_answer(update: Update, context: Context, state: DialogState) -> None:
    """One field of the postal form; a bad value is explained and asked again."""
    message = update.effective_message
    assert message is not None
    if message.text is None:
        await message.reply_text(t(f"certs.mail.ask_{state.step}"))
        return
    step = await served(update, mailing.answer(context.bot_data.db, identity(update), message.text))
    if step is REFUSED:
        return
    if step.next_field is not None:
        await message.reply_text(t(f"certs.mail.ask_{step.next_field}"))
        return
    request = step.request
    assert request is not None
    await message.reply_text(
        t(
            "certs.mail.requested",
            id=request.id,
            recipient=request.recipient,
            mobile=request.mobile,
            address=request.address,
            postcode=request.postcode,
        )
    )


async def pending(update: Update, context: Context) -> None:
    """/mail_pending: requests still to post."""
    services = context.bot_data
    assert update.effective_message is not None
    views = await served(update, mailing.pending(services.db, identity(update), services.settings.staff_ids))
    if views is REFUSED:
        return
    if not views:
        await update.effective_message.reply_text(t("certs.mail.pending_none"))
        return
    lines = [t("certs.mail.pending_header", count=len(views))]
    lines += [
        t(
            "certs.mail.pending_line",
            id=v.id,
            number=v.certificate_no,
            recipient=v.recipient,
            mobile=v.mobile,
            address=v.address,
            postcode=v.postcode,
        )
        for v in views
    ]
    await reply_lines(update, lines)


async def sent(update: Update, context: Context) -> None:
    """/mail_sent 申请编号 快递单号: record the posting and tell the holder."""
    services = context.bot_data
    assert update.effective_message is not None
    view = await served(
        update,
        mailing.mark_sent(
            services.db, identity(update), services.settings.staff_ids, list(context.args or [])
        ),
    )
    if view is REFUSED:
        return
    await update.effective_message.reply_text(t("certs.mail.sent", id=view.id, tracking=view.tracking_no))
    await notify(
        context,
        view.holder_telegram_id,
        t("certs.mail.notice_sent", number=view.certificate_no, tracking=view.tracking_no),
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Staff commands; the form is reached from 邮寄服务 and 证书查看."""
    return [CommandHandler("mail_pending", pending), CommandHandler("mail_sent", sent)]


ROUTES = Routes(menu={"mailing": show_mailing}, flows={mailing.MAIL_FLOW: on_answer})
