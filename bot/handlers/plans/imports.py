"""/import_plans: staff create plans from an Excel sheet, one row per plan, checked like the /plans dialog."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.review.templates import template_keyboard
from bot.handlers.staff_common import reply, staff_ids, who
from bot.replies import error_text
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.errors import InvalidInput
from core.imports import check_upload_size
from core.plans import imports as plan_import
from core.texts import t


async def begin(update: Update, context: Context) -> None:
    """Ask for the plans sheet, with its template one tap away."""
    await plan_import.open_import(context.bot_data.db, who(update), staff_ids(context))
    await reply(update, t("imports.plans.prompt"), reply_markup=template_keyboard("plan"))


async def on_file(update: Update, context: Context, state: DialogState) -> None:
    """The sheet arrives: every plan is created, or none with each problem by row and column."""
    message = update.effective_message
    assert message is not None
    document = message.document
    if document is None:
        await message.reply_text(t("imports.plans.send_a_file"))
        return
    try:
        check_upload_size(document.file_size)
    except InvalidInput as refused:
        await message.reply_text(error_text(refused))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    created = await plan_import.import_plans(
        context.bot_data.db, who(update), staff_ids(context), data, document.file_name or "upload"
    )
    await message.reply_text(t("imports.plans.done", count=len(created), plans="、".join(created)))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The staff command; the sheet reaches on_file through the import flow."""
    return [CommandHandler("import_plans", begin)]


ROUTES = Routes(flows={plan_import.IMPORT_FLOW: on_file})
