"""Staff broadcasts (/broadcast, /broadcasts): compose, pick an audience, preview, confirm, read reports."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.normalise import button_number
from core.notices import broadcast
from core.notices import reports as broadcast_reports
from core.notices.audiences import Audience
from core.texts import t

PREFIX = "bc:"


def _staff_ids(context: Context) -> frozenset[int]:
    return context.bot_data.settings.staff_ids


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_chat is not None
    await update.effective_chat.send_message(text, reply_markup=markup)


def _kinds() -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t(f"notices.audience.kind_{kind}"), callback_data=f"{PREFIX}k:{kind}")]
        for kind in ("all", "plan", "institution", "stage", "liaisons")
    ]
    rows.append([InlineKeyboardButton(t("notices.broadcast.cancel"), callback_data=f"{PREFIX}no")])
    return InlineKeyboardMarkup(rows)


def _preview_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("notices.broadcast.confirm"), callback_data=f"{PREFIX}ok"),
                InlineKeyboardButton(t("notices.broadcast.cancel"), callback_data=f"{PREFIX}no"),
            ]
        ]
    )


async def start(update: Update, context: Context) -> None:
    """/broadcast: open a draft."""
    done = await served(update, broadcast.start(context.bot_data.db, identity(update), _staff_ids(context)))
    if done is REFUSED:
        return
    await _say(update, t("notices.broadcast.start"))


async def compose(update: Update, context: Context, state: DialogState) -> None:
    """Text or a document with a caption, sent while the draft is open, becomes the notice."""
    message = update.effective_message
    assert message is not None
    document = None
    if message.document is not None:
        doc = message.document
        document = (doc.file_id, doc.file_name or "file", doc.file_size or 0)
        text = message.caption or ""
    else:
        text = message.text or ""
    done = await served(
        update, broadcast.compose(context.bot_data.db, identity(update), _staff_ids(context), text, document)
    )
    if done is REFUSED:
        return
    await _say(update, t("notices.broadcast.choose_audience"), _kinds())


async def _preview(update: Update, context: Context, audience: Audience) -> None:
    preview = await served(
        update,
        broadcast.choose_audience(context.bot_data.db, identity(update), _staff_ids(context), audience),
    )
    if preview is REFUSED:
        return
    document = (
        t("notices.broadcast.preview_document", name=preview.document_name) if preview.document_name else ""
    )
    text = t(
        "notices.broadcast.preview",
        audience=preview.audience_label,
        count=preview.recipients,
        document=document,
        text=preview.text,
    )
    if len(text) > 4096:
        text = text[:4000] + "……"
    await _say(update, text, _preview_markup())


async def pick_kind(update: Update, context: Context) -> None:
    """bc:k:<kind>: everyone and liaisons go straight to the preview; the others list their choices."""
    assert update.callback_query is not None
    kind = (update.callback_query.data or "").removeprefix(f"{PREFIX}k:")
    if kind in ("all", "liaisons"):
        await _preview(update, context, Audience(kind))
        return
    options = await served(
        update, broadcast.choices(context.bot_data.db, identity(update), _staff_ids(context), kind)
    )
    if options is REFUSED:
        return
    rows = [
        [InlineKeyboardButton(option.label[:60], callback_data=f"{PREFIX}a:{kind}:{option.ref}")]
        for option in options
    ]
    rows.append([InlineKeyboardButton(t("notices.broadcast.cancel"), callback_data=f"{PREFIX}no")])
    await _say(update, t("notices.broadcast.choose_ref"), InlineKeyboardMarkup(rows))


async def pick_ref(update: Update, context: Context) -> None:
    """bc:a:<kind>:<ref>: the chosen plan, institution or stage."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")
    if len(parts) != 4:
        await update.callback_query.answer(t("common.stale_button"), show_alert=True)
        return
    await _preview(update, context, Audience(parts[2], parts[3]))


async def confirm(update: Update, context: Context) -> None:
    """bc:ok: queue it and wake the delivery worker."""
    services = context.bot_data
    queued = await served(
        update, broadcast.confirm(services.db, identity(update), _staff_ids(context), services.clock())
    )
    if queued is REFUSED:
        return
    if services.delivery is not None:
        services.delivery.wake()
    await _say(update, t("notices.broadcast.queued", count=queued.recipients))


async def cancel(update: Update, context: Context) -> None:
    """bc:no: drop the draft."""
    done = await served(update, broadcast.cancel(context.bot_data.db, identity(update), _staff_ids(context)))
    if done is REFUSED:
        return
    await _say(update, t("notices.broadcast.cancelled"))


async def reports(update: Update, context: Context) -> None:
    """/broadcasts: the latest notices with their delivery reports."""
    items = await served(
        update, broadcast_reports.recent(context.bot_data.db, identity(update), _staff_ids(context))
    )
    if items is REFUSED:
        return
    if not items:
        await _say(update, t("notices.broadcast.list_empty"))
        return
    text = "\n\n".join(
        [t("notices.broadcast.list_header")] + [broadcast_reports.report_text(i) for i in items]
    )
    if len(text) > 4096:
        text = text[:4000] + "……"
    buttons = [
        [
            InlineKeyboardButton(
                t("notices.broadcast.details", sender=i.sender, number=i.number),
                callback_data=f"{PREFIX}r:{i.notice_id}",
            )
        ]
        for i in items
        if i.ack_expected
    ]
    await _say(update, text, InlineKeyboardMarkup(buttons) if buttons else None)


async def one_report(update: Update, context: Context) -> None:
    """bc:r:<notice>: one notice's report with everyone who has not pressed 已阅."""
    assert update.callback_query is not None
    raw = (update.callback_query.data or "").removeprefix(f"{PREFIX}r:")
    if not raw.isdigit():
        await update.callback_query.answer(t("common.stale_button"), show_alert=True)
        return
    item = await served(
        update,
        lambda: broadcast_reports.report(
            context.bot_data.db, identity(update), _staff_ids(context), button_number(raw)
        ),
    )
    if item is REFUSED:
        return
    await _say(update, broadcast_reports.report_text(item))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Commands and the bc: buttons."""
    return [
        CommandHandler("broadcast", start),
        CommandHandler("broadcasts", reports),
        CallbackQueryHandler(pick_kind, pattern=r"^bc:k:"),
        CallbackQueryHandler(pick_ref, pattern=r"^bc:a:"),
        CallbackQueryHandler(confirm, pattern=r"^bc:ok$"),
        CallbackQueryHandler(cancel, pattern=r"^bc:no$"),
        CallbackQueryHandler(one_report, pattern=r"^bc:r:"),
    ]


ROUTES = Routes(flows={broadcast.FLOW: compose})
