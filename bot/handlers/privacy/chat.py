"""我的数据 (see, export, ask for erasure) and staff's /privacy (find, export, erase after confirming)."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import callback_parts, notify, reply, staff_ids, stale, who
from bot.keyboards import main_menu
from bot.replies import error_text
from bot.routing import Routes
from core.errors import DomainError
from core.normalise import button_number
from core.privacy import service as privacy
from core.privacy.data import Export, Holding
from core.texts import t

PREFIX = "pv:"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _button(key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(key), callback_data=PREFIX + data)


def _card(held: Holding, staff: bool, tz: ZoneInfo) -> str:
    """What is held, masked: the same card for the person and for staff."""
    lines = [t("privacy.card.header_staff" if staff else "privacy.card.header")]
    if held.name:
        lines.append(t("privacy.card.name", name=held.name))
    if held.id_number:
        lines.append(t("privacy.card.id_number", value=held.id_number))
    if held.mobile:
        lines.append(t("privacy.card.mobile", value=held.mobile))
    if held.email:
        lines.append(t("privacy.card.email", value=held.email))
    lines.append(
        t(
            "privacy.card.counts",
            fields=held.fields_filled,
            photo=t("privacy.card.yes") if held.has_photo else t("privacy.card.no"),
            registrations=held.registrations,
            proofs=held.proofs,
            certificates=held.certificates,
        )
    )
    for kind, version, at in held.consents[-2:]:
        when = t("common.datetime", d=at.astimezone(tz))
        agreed = t(f"privacy.export.consent.{kind}")
        lines.append(t("privacy.card.consent", kind=agreed, version=version, at=when))
    if held.erasure_pending:
        lines.append(t("privacy.card.erasure_pending"))
    return "\n".join(lines)


async def _send_export(update: Update, context: Context, result: Export) -> None:
    """The workbook, then the photo and proofs as files, all through the bot (never by a web link)."""
    assert update.effective_chat is not None
    chat = update.effective_chat.id
    await context.bot.send_document(chat, InputFile(io.BytesIO(result.workbook), filename=result.file_name))
    for held in result.files:
        if held.data is not None:
            await context.bot.send_document(chat, InputFile(io.BytesIO(held.data), filename=held.file_name))
        elif held.telegram_file_id:
            await context.bot.send_document(chat, held.telegram_file_id, caption=held.file_name)
    await context.bot.send_message(chat, t("privacy.exported", files=len(result.files)))


async def show_mine(update: Update, context: Context) -> None:
    """我的数据: what is held, masked, with export and erasure buttons."""
    held = await privacy.my_data(context.bot_data.db, who(update))
    keyboard = InlineKeyboardMarkup(
        [[_button("privacy.button.export", "x")], [_button("privacy.button.erase", "d")]]
    )
    text = _card(held, False, context.bot_data.settings.timezone) + "\n\n" + t("privacy.card.hint")
    await reply(update, text, reply_markup=keyboard)


async def on_mine(update: Update, context: Context) -> None:
    """pv:x export mine, pv:d ask to confirm erasure, pv:dy erasure requested."""
    assert update.callback_query is not None
    action = (update.callback_query.data or "").removeprefix(PREFIX)
    db = context.bot_data.db
    if action == "x":
        await update.callback_query.answer()
        await _send_export(update, context, await privacy.export_mine(db, who(update)))
    elif action == "d":
        keyboard = InlineKeyboardMarkup(
            [[_button("privacy.button.erase_confirm", "dy")], [_button("privacy.button.cancel", "no")]]
        )
        await reply(update, t("privacy.erase_confirm"), reply_markup=keyboard)
    elif action == "dy":
        number = await privacy.request_erasure(db, who(update))
        await reply(update, t("privacy.erase_requested", id=number), reply_markup=main_menu())
    else:
        await reply(update, t("privacy.cancelled"))


async def staff_command(update: Update, context: Context) -> None:
    """/privacy 姓名或证件号 [原因]: the matching people; with no words, those waiting for erasure."""
    assert update.effective_message is not None
    words = (update.effective_message.text or "").split(maxsplit=2)[1:]
    query = words[0] if words else ""
    reason = words[1] if len(words) > 1 else ""
    try:
        found = await privacy.find(context.bot_data.db, who(update), staff_ids(context), query, reason)
    except DomainError as refused:
        await update.effective_message.reply_text(error_text(refused))
        return
    if not found:
        key = "privacy.staff.none" if query else "privacy.staff.no_requests"
        await update.effective_message.reply_text(t(key, query=query))
        return
    for held in found:
        keyboard = InlineKeyboardMarkup(
            [[_button("privacy.button.staff_export", f"sx:{held.user_id}"),
              _button("privacy.button.staff_erase", f"se:{held.user_id}")]]
        )  # fmt: skip
        text = _card(held, True, context.bot_data.settings.timezone)
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_staff(update: Update, context: Context) -> None:
    """pv:sx:<user> export, pv:se:<user> ask to confirm, pv:sy:<user> erase."""
    assert update.callback_query is not None
    parts = callback_parts(update, 1)
    action = (update.callback_query.data or "").removeprefix(PREFIX)[:2]
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    user_id, db, ids = button_number(parts[0]), context.bot_data.db, staff_ids(context)
    try:
        if action == "sx":
            result = await privacy.staff_export(db, who(update), ids, user_id)
            await update.callback_query.answer()
            await _send_export(update, context, result)
        elif action == "se":
            held = await privacy.staff_holding(db, who(update), ids, user_id)
            confirm = _button("privacy.button.staff_erase_confirm", f"sy:{user_id}")
            text = _card(held, True, context.bot_data.settings.timezone) + "\n\n" + t("privacy.staff.confirm")
            await reply(update, text, reply_markup=InlineKeyboardMarkup([[confirm]]))
        else:
            done = await privacy.erase(db, who(update), ids, user_id)
            gone = done.deleted
            kept = gone.certificates_kept
            text = t("privacy.staff.erased", photos=gone.photos, proofs=gone.proofs, kept=kept)
            await reply(update, text)
            await notify(context, done.telegram_id, t("privacy.erased_notice"))
    except DomainError as refused:
        await reply(update, error_text(refused))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/privacy for staff, and the buttons of both views."""
    return [
        CommandHandler("privacy", staff_command),
        CallbackQueryHandler(on_staff, pattern=rf"^{PREFIX}s[xey]:\d{{1,12}}$"),
        CallbackQueryHandler(on_mine, pattern=rf"^{PREFIX}(x|d|dy|no)$"),
    ]


ROUTES = Routes(menu={"mydata": show_mine})
