"""/seal: staff upload the centre's seal as a PNG document, see it back, and confirm it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import button, callback_parts, reply, staff_ids, stale, who
from bot.replies import REFUSED, reply_error, served
from bot.routing import Routes
from core.certificates import seals
from core.certificates.seal_image import check_declared_size
from core.db.dialogs import DialogState
from core.errors import DomainError
from core.normalise import button_number
from core.texts import t


async def start(update: Update, context: Context) -> None:
    """/seal: say what a good seal file is; the next document is taken as the seal."""
    status = await served(update, seals.start_upload(context.bot_data.db, who(update), staff_ids(context)))
    if status is REFUSED:
        return
    key = "documents.seal.ask_replace" if status.in_use else "documents.seal.ask_first"
    await reply(update, t(key))


async def on_upload(update: Update, context: Context, state: DialogState) -> None:
    """The seal file arrives: check it by content, store it once and show it back with a confirm button."""
    message = update.effective_message
    assert message is not None
    if state.step != "upload" and message.document is None:
        await message.reply_text(t("documents.seal.press_confirm"))
        return
    if message.document is None:
        key = "documents.seal.send_as_file" if message.photo else "documents.seal.expect_file"
        await message.reply_text(t(key))
        return
    try:
        check_declared_size(message.document.file_size)
    except DomainError as error:
        await reply_error(update, error)
        return
    data = bytes(await (await message.document.get_file()).download_as_bytearray())
    preview = await served(update, seals.receive(context.bot_data.db, who(update), staff_ids(context), data))
    if preview is REFUSED:
        return
    keyboard = InlineKeyboardMarkup([[button("documents.seal.confirm_button", f"seal:ok:{preview.seal_id}")]])
    await message.reply_photo(
        preview.preview,
        caption=t("documents.seal.preview", width=preview.width, height=preview.height),
        reply_markup=keyboard,
    )


async def on_confirm(update: Update, context: Context) -> None:
    """确认启用: the seal is printed on every certificate and ticket rendered from now on."""
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    done = await served(
        update,
        lambda: seals.confirm(context.bot_data.db, who(update), staff_ids(context), button_number(parts[0])),
    )
    if done is REFUSED:
        return
    await reply(update, t("documents.seal.confirmed"))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The command and the confirm button."""
    return [CommandHandler("seal", start), CallbackQueryHandler(on_confirm, pattern=r"^seal:ok:")]


ROUTES = Routes(flows={seals.SEAL_FLOW: on_upload})
