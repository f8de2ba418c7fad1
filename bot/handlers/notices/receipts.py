"""Read receipts (已阅 on liaison notices) and muting study reminders (/mute, /unmute)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.delivery import ACK_PREFIX
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.normalise import button_number
from core.notices import service as notices
from core.texts import t


async def acknowledge(update: Update, context: Context) -> None:
    """ntc:ack:<row>: record that the liaison read the notice; someone else's row is refused."""
    query = update.callback_query
    assert query is not None
    raw = (query.data or "").removeprefix(ACK_PREFIX)
    if not raw.isdigit():
        await query.answer(t("common.stale_button"), show_alert=True)
        return
    done = await served(
        update,
        lambda: notices.acknowledge(
            context.bot_data.db, identity(update), button_number(raw), context.bot_data.clock()
        ),
    )
    if done is REFUSED:
        return
    await query.answer(t("notices.ack.already" if done.already else "notices.ack.done"))


async def mute(update: Update, context: Context) -> None:
    """/mute: no more study progress reminders (deadline notices still come)."""
    await notices.set_study_mute(context.bot_data.db, identity(update), True)
    assert update.effective_message is not None
    await update.effective_message.reply_text(t("notices.mute.muted"))


async def unmute(update: Update, context: Context) -> None:
    """/unmute: study progress reminders again."""
    await notices.set_study_mute(context.bot_data.db, identity(update), False)
    assert update.effective_message is not None
    await update.effective_message.reply_text(t("notices.mute.unmuted"))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The 已阅 button and the mute commands."""
    return [
        CallbackQueryHandler(acknowledge, pattern=r"^ntc:ack:"),
        CommandHandler("mute", mute),
        CommandHandler("unmute", unmute),
    ]


ROUTES = Routes()
