"""A real PTB ``Application`` polling the emulator, driven through ``EmulatedUser``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator, NoBotReply
from tests.emulator.test_telegram_limits import png

MENU = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("个人信息", callback_data="me"),
            InlineKeyboardButton("我的报名", callback_data="apps"),
        ]
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    payload = " ".join(context.args or [])
    await update.message.reply_text(f"欢迎！<b>{payload or '无'}</b>", parse_mode="HTML", reply_markup=MENU)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if query.data == "me":
        await query.answer("正在打开")
        await query.edit_message_text("个人信息：张三")
    elif query.data == "apps":
        await query.answer()
        assert query.message is not None
        await context.bot.delete_message(query.message.chat.id, query.message.message_id)
    else:
        await query.answer("按钮已经失效", show_alert=True)


async def keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    one_time = bool(context.args)
    markup = ReplyKeyboardMarkup([["报名", "查询"], ["取消"]], one_time_keyboard=one_time)
    await update.message.reply_text("请选择", reply_markup=markup)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    if update.message.text == "取消":
        await update.message.reply_text("已取消", reply_markup=ReplyKeyboardRemove())
    elif update.message.text == "问我":
        await update.message.reply_text("您的姓名？", reply_markup=ForceReply())
    elif update.message.text != "安静":
        await update.message.reply_text(f"收到：{update.message.text}")


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    await update.message.reply_document(
        data[::-1], filename="reversed.bin", caption=update.message.document.file_name
    )


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    largest = update.message.photo[-1]
    data = bytes(await (await largest.get_file()).download_as_bytearray())
    await update.message.reply_text(f"{largest.width}x{largest.height} {len(data)} {update.message.caption}")


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = (
        ApplicationBuilder().token(emu.token).base_url(emu.base_url).base_file_url(emu.base_file_url).build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("keyboard", keyboard))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.Document.ALL, on_document))
    application.add_handler(MessageHandler(filters.PHOTO, on_photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=10)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


pytestmark = pytest.mark.usefixtures("app")


async def test_a_command_carries_a_bot_command_entity_and_deep_link_payload(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    message_id = await user.send_command("/start", "exam2024")
    assert user.user_messages[message_id]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    reply = await user.next_message()
    assert reply.text == "欢迎！exam2024"
    assert reply.html == "欢迎！<b>exam2024</b>"
    assert reply.entities == ({"type": "bold", "offset": 3, "length": 8},)
    assert reply.button_labels() == ["个人信息", "我的报名"]


async def test_pressing_a_button_returns_the_answer_and_the_edit_follows(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_command("/start")
    menu = await user.next_message()
    answer = await user.press("个人信息")
    assert answer is not None and answer.text == "正在打开" and not answer.show_alert
    edit = await user.next_event()  # the "message" event was consumed by next_message()
    assert edit.message.message_id == menu.message_id
    assert edit.kind == "edit" and edit.message.text == "个人信息：张三" and edit.message.edited
    assert edit.message.inline_keyboard == ()
    assert user.messages[-1].text == "个人信息：张三"


async def test_a_deleted_message_disappears_from_the_chat(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_command("/start")
    assert (await user.next_event()).kind == "message"
    await user.press("我的报名")
    deleted = await user.next_event()
    assert deleted.kind == "delete" and deleted.message.text == "欢迎！无"
    assert user.messages == []


async def test_a_forged_callback_is_answered(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_command("/start")
    menu = await user.next_message()
    answer = await user.press_data("forged:1", menu.message_id)
    assert answer is not None and answer.text == "按钮已经失效" and answer.show_alert


async def test_pressing_a_missing_button_lists_the_visible_ones(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_command("/start")
    await user.next_message()
    with pytest.raises(AssertionError, match=r"个人信息"):
        await user.press("不存在")


async def test_a_user_document_round_trips_through_get_file(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    payload = bytes(range(256)) * 40
    await user.send_document(payload, "证书.pdf", "application/pdf")
    reply = await user.next_message()
    assert reply.document is not None
    assert reply.document.file_name == "reversed.bin"
    assert reply.document.data == payload[::-1]
    assert reply.caption == "证书.pdf"
    assert reply.text is None


async def test_a_user_photo_has_its_real_dimensions(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    image = png(800, 600)
    await user.send_photo(image, caption="照片")
    assert (await user.next_message()).text == f"800x600 {len(image)} 照片"


async def test_the_reply_keyboard_persists_until_removed(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_command("/keyboard")
    await user.next_message()
    assert user.reply_keyboard == [["报名", "查询"], ["取消"]]
    assert await user.press("查询") is None
    assert (await user.next_message()).text == "收到：查询"
    assert user.reply_keyboard == [["报名", "查询"], ["取消"]]
    await user.press("取消")
    assert (await user.next_message()).text == "已取消"
    assert user.reply_keyboard is None


async def test_a_one_time_keyboard_hides_after_use(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_command("/keyboard", "once")
    await user.next_message()
    await user.press("报名")
    assert user.reply_keyboard is None
    assert (await user.next_message()).text == "收到：报名"


async def test_force_reply_is_accepted(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_text("问我")
    assert (await user.next_message()).text == "您的姓名？"


async def test_expect_silence_and_a_helpful_timeout(emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_text("安静")
    await user.expect_silence(0.2)
    with pytest.raises(NoBotReply, match=r"no new message"):
        await user.next_message(timeout=0.1)
    await user.send_text("说话")
    with pytest.raises(AssertionError, match=r"expected silence"):
        await user.expect_silence(0.3)
    assert [e.message.text for e in user.drain()] == ["收到：说话"]
