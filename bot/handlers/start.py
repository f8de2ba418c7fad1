"""/start, /help and /cancel: the way back to the main menu from anywhere."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.command_menus import publish_for
from bot.context import Context
from bot.handlers.onboarding import checklist_markup, checklist_text, opening_text
from bot.keyboards import main_menu
from bot.routing import Routes
from core import menu
from core.people.users import Role, TelegramIdentity
from core.rules import MAX_ATTEMPTS, PASS_MARK, REQUIRED_MINUTES
from core.texts import t


def identity(update: Update) -> TelegramIdentity:
    """Take the plain facts about the sender out of an update."""
    user = update.effective_user
    assert user is not None
    return TelegramIdentity(telegram_id=user.id, first_name=user.first_name or "", username=user.username)


async def start(update: Update, context: Context) -> None:
    """Greet, show the menu, and hand a deep-link payload to the feature that owns it."""
    services = context.bot_data
    settings = services.settings
    greeting = await menu.greet(
        services.db, identity(update), settings.staff_ids, now=services.clock(), tz=settings.timezone
    )
    assert update.effective_message is not None
    if greeting.is_staff:  # a staff member who had not opened the bot when the menus were published
        await publish_for(context.bot, identity(update).telegram_id, Role.STAFF)
    payload = context.args[0] if context.args else ""
    prefix = payload.split("_", 1)[0]
    action = services.routes.start_payloads.get(prefix) if payload else None
    if action is not None:
        await update.effective_message.reply_text(t("start.menu_prompt"), reply_markup=main_menu())
        await action(update, context, payload)
        return
    text = t("start.welcome", name=greeting.first_name or t("start.default_name"))
    if greeting.is_staff:
        text += t("start.welcome_staff")
    if greeting.opening is not None:
        contacts = t(
            "onboarding.contacts",
            names="、".join(settings.contact_names),
            phones="、".join(settings.contact_phones),
        )
        text += opening_text(greeting.opening, contacts)
    await update.effective_message.reply_text(text, reply_markup=main_menu())
    if greeting.setup is not None and not greeting.setup.complete:
        await update.effective_message.reply_text(
            checklist_text(greeting.setup), reply_markup=checklist_markup(greeting.setup)
        )


async def show_help(update: Update, context: Context) -> None:
    """Explain the process and the commands."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        t("help.text", minutes=REQUIRED_MINUTES, attempts=MAX_ATTEMPTS, score=PASS_MARK),
        reply_markup=main_menu(),
    )


async def cancel(update: Update, context: Context) -> None:
    """Leave the current flow; what it saved stays saved."""
    left = await menu.leave_flow(context.bot_data.db, identity(update))
    assert update.effective_message is not None
    text = t("common.cancelled") if left else t("common.nothing_to_cancel")
    await update.effective_message.reply_text(text, reply_markup=main_menu())


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Commands that work in every state."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", show_help),
        CommandHandler("cancel", cancel),
    ]


ROUTES = Routes()
