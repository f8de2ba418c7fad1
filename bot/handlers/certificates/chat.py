"""证书查看 (download the e-certificate), /verify for anyone, /revoke for staff."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import notify
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.certificates import mailing
from core.certificates import service as certificates
from core.certificates.service import Verification
from core.texts import t


def verification_text(v: Verification, tz: ZoneInfo) -> str:
    """The verdict as anyone may read it: status, number, masked name, occupation, levels and date only."""
    return t(
        "certs.verify.revoked" if v.status == "revoked" else "certs.verify.valid",
        number=v.number,
        name=v.masked_name,
        occupation=v.occupation,
        levels="、".join(v.levels),
        issued_on=t("common.date", d=v.issued_on),
    )


async def show_certificate(update: Update, context: Context) -> None:
    """Send the candidate's certificate PDF (the same document every time) and the mailing status."""
    services = context.bot_data
    assert update.effective_message is not None
    who = identity(update)
    document = await served(update, certificates.my_certificate(services.db, who))
    if document is REFUSED:
        return
    if document.revoked:
        await update.effective_message.reply_text(t("certs.cert.revoked_caption", number=document.number))
        return
    requests = await mailing.my_requests(services.db, who.telegram_id)
    caption = t("certs.cert.caption", number=document.number)
    for request in requests[:1]:
        state = (
            t("certs.mail.state_sent", tracking=request.tracking_no)
            if request.status == "sent"
            else t("certs.mail.state_requested")
        )
        caption += "\n" + t("certs.cert.mail_status", id=request.id, status=state)
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("certs.cert.mail_button"), callback_data="cert:mail")]]
    )
    await update.effective_message.reply_document(
        document.pdf, filename=document.filename, caption=caption, reply_markup=markup
    )


async def request_mail(update: Update, context: Context) -> None:
    """The 申请邮寄纸质证书 button: open the postal form."""
    assert update.callback_query is not None
    if await served(update, mailing.start_request(context.bot_data.db, identity(update))) is REFUSED:
        return
    await update.callback_query.answer()
    assert update.effective_chat is not None
    await update.effective_chat.send_message(t("certs.mail.ask_recipient"))


async def verify(update: Update, context: Context) -> None:
    """/verify 证书编号: anyone may check a certificate."""
    services = context.bot_data
    assert update.effective_message is not None
    args = list(context.args or [])
    if not args:
        await update.effective_message.reply_text(t("certs.verify.usage"))
        return
    result = await served(update, certificates.verify(services.db, "".join(args)))
    if result is REFUSED:
        return
    await update.effective_message.reply_text(verification_text(result, services.settings.timezone))


async def revoke(update: Update, context: Context) -> None:
    """/revoke 证书编号 原因: staff only; the holder is told."""
    services = context.bot_data
    assert update.effective_message is not None
    args = list(context.args or [])
    if len(args) < 2:
        await update.effective_message.reply_text(t("certs.revoke.usage"))
        return
    done = await served(
        update,
        certificates.revoke(
            services.db, identity(update), services.settings.staff_ids, args[0], " ".join(args[1:])
        ),
    )
    if done is REFUSED:
        return
    await update.effective_message.reply_text(t("certs.revoke.done", number=done.number, reason=done.reason))
    await notify(
        context, done.holder_telegram_id, t("certs.revoke.notice", number=done.number, reason=done.reason)
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Verification for anyone, revocation for staff, and the mailing button under the certificate."""
    return [
        CommandHandler("verify", verify),
        CommandHandler("revoke", revoke),
        CallbackQueryHandler(request_mail, pattern=r"^cert:mail$"),
    ]


ROUTES = Routes(menu={"certificate": show_certificate})
