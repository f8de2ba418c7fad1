"""导出审核名单: staff pick a plan (/review_export or the queue's button) and get its review list as Excel."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import callback_parts, reply, staff_ids, stale, who
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.normalise import button_number
from core.review import export as review_export
from core.texts import t


async def choose_plan(update: Update, context: Context) -> None:
    """/review_export or 导出审核名单: one button per plan."""
    plans = await served(
        update, review_export.plans_to_export(context.bot_data.db, who(update), staff_ids(context))
    )
    if plans is REFUSED:
        return
    if not plans:
        await reply(update, t("documents.review_export.no_plans"))
        return
    rows = [
        [InlineKeyboardButton(f"{p.plan_no} {p.name}"[:60], callback_data=f"rvx:p:{p.id}")]
        for p in plans[:20]
    ]
    await reply(update, t("documents.review_export.choose"), reply_markup=InlineKeyboardMarkup(rows))


async def send_list(update: Update, context: Context) -> None:
    """rvx:p:<plan>: the plan's 审核名单 as an .xlsx document."""
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    export = await served(
        update,
        lambda: review_export.export_review_list(
            context.bot_data.db, who(update), staff_ids(context), button_number(parts[0])
        ),
    )
    if export is REFUSED:
        return
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    await update.effective_chat.send_document(
        export.xlsx,
        filename=export.filename,
        caption=t("documents.review_export.caption", plan=export.plan_no, rows=export.rows),
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The command, the queue's button and the plan buttons."""
    return [
        CommandHandler("review_export", choose_plan),
        CallbackQueryHandler(choose_plan, pattern=r"^rvx:plans$"),
        CallbackQueryHandler(send_list, pattern=r"^rvx:p:"),
    ]


ROUTES = Routes()
