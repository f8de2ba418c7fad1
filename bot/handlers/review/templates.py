"""Staff download an Excel template for any import: /templates, or the button under each import prompt."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import callback_parts, reply, staff_ids, stale, who
from bot.routing import Routes
from core.review import import_templates
from core.texts import t


def template_button(kind: str) -> InlineKeyboardButton:
    """The button that sends the template of one kind of import."""
    return InlineKeyboardButton(
        t("templates.button", title=t(f"templates.{kind}.title")), callback_data=f"tpl:get:{kind}"
    )


def template_keyboard(kind: str) -> InlineKeyboardMarkup:
    """The one-button keyboard shown under an import prompt."""
    return InlineKeyboardMarkup([[template_button(kind)]])


async def choose(update: Update, context: Context) -> None:
    """/templates: one button per kind of import."""
    await import_templates.check_staff(context.bot_data.db, who(update), staff_ids(context))
    rows = [[template_button(kind)] for kind in import_templates.KINDS]
    await reply(update, t("templates.choose"), reply_markup=InlineKeyboardMarkup(rows))


async def send(update: Update, context: Context) -> None:
    """Send the template the button names; the server re-checks the role and the kind."""
    parts = callback_parts(update, 1)
    if parts is None:
        await stale(update)
        return
    template = await import_templates.download_template(
        context.bot_data.db, who(update), staff_ids(context), parts[0]
    )
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    await update.effective_chat.send_document(
        InputFile(template.data, filename=template.filename),
        caption=t("templates.caption", title=t(f"templates.{template.kind}.title")),
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The command and the download buttons (tpl:)."""
    return [CommandHandler("templates", choose), CallbackQueryHandler(send, pattern=r"^tpl:get:")]


ROUTES = Routes()
