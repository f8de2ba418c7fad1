"""Menu buttons, free input routed to the user's open flow, and the answer of last resort."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.context import Context
from bot.keyboards import main_menu, menu_label_to_key
from core.db import dialogs
from core.texts import t

MAX_TEXT = 4096


async def on_menu(update: Update, context: Context) -> None:
    """Run the feature behind a menu label, or say when that feature becomes available."""
    assert update.effective_message is not None and update.effective_message.text is not None
    key = menu_label_to_key()[update.effective_message.text.strip()]
    action = context.bot_data.routes.menu.get(key)
    if action is None:
        await update.effective_message.reply_text(t(f"menu.unavailable.{key}"), reply_markup=main_menu())
        return
    await action(update, context)


async def on_input(update: Update, context: Context) -> None:
    """Give free text, photos and files to the flow the user is in; otherwise point to the menu."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    state = await dialogs.current(context.bot_data.db, user.id)
    flow = context.bot_data.routes.flows.get(state.flow) if state is not None else None
    if state is not None and flow is not None:
        await flow(update, context, state)
        return
    key = "common.unknown_text" if message.text is not None else "common.unexpected_file"
    await message.reply_text(t(key), reply_markup=main_menu())


async def on_stale_button(update: Update, context: Context) -> None:
    """Answer a button no feature recognises, so the client's spinner stops and the user knows why."""
    assert update.callback_query is not None
    await update.callback_query.answer(t("common.stale_button"), show_alert=True)


def menu_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Menu labels win over any open flow: tapping the menu is how people change their mind."""
    labels = list(menu_label_to_key())
    return [MessageHandler(filters.ChatType.PRIVATE & filters.Text(labels), on_menu)]


def fallback_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered last: input for flows, then unknown buttons."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, on_input),
        MessageHandler(private & filters.COMMAND, on_input),
        CallbackQueryHandler(on_stale_button),
    ]
