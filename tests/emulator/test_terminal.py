"""The sandbox terminal chat, driven through OS pipes (no tty)."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator
from emulator.terminal import run_terminal_chat


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message is not None
    if message.document is not None:
        await message.reply_text(f"收到文件 {message.document.file_name}")
    elif message.text == "/start":
        menu = [
            [
                InlineKeyboardButton("个人信息", callback_data="me"),
                InlineKeyboardButton("证书", callback_data="c"),
            ]
        ]
        await message.reply_text("主菜单", reply_markup=InlineKeyboardMarkup(menu))
    else:
        await message.reply_text(f"回声：{message.text}")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer("好的")
    await context.bot.send_document(query.message.chat.id, b"CERT", filename="cert.pdf")


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = (
        ApplicationBuilder().token(emu.token).base_url(emu.base_url).base_file_url(emu.base_file_url).build()
    )
    application.add_handler(MessageHandler(filters.ALL, on_message))
    application.add_handler(CallbackQueryHandler(on_button))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=10)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def wait_for(output: io.StringIO, needle: str, within: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while needle not in output.getvalue():
        assert loop.time() < deadline, f"{needle!r} never appeared in:\n{output.getvalue()}"
        await asyncio.sleep(0.01)


@pytest.mark.usefixtures("app")
async def test_a_person_can_chat_press_buttons_and_upload_through_pipes(
    emu: BotApiEmulator, tmp_path: Path
) -> None:
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r", encoding="utf-8")
    writer = os.fdopen(write_fd, "w", encoding="utf-8")
    stdout = io.StringIO()
    upload = tmp_path / "报名表.pdf"
    upload.write_bytes(b"%PDF-1.4")
    downloads = tmp_path / "downloads"

    def send(line: str) -> None:
        writer.write(line + "\n")
        writer.flush()

    chat = asyncio.create_task(
        run_terminal_chat(emu, 3003, "李四", stdin=stdin, stdout=stdout, download_dir=downloads)
    )
    try:
        send("你好")
        await wait_for(stdout, "回声：你好")
        send("/start")
        await wait_for(stdout, "[1] 个人信息  [2] 证书")
        send("1")
        await wait_for(stdout, "💬 好的")
        await wait_for(stdout, "已保存到")
        saved = list(downloads.glob("*_cert.pdf"))
        assert len(saved) == 1 and saved[0].read_bytes() == b"CERT"
        assert str(saved[0]) in stdout.getvalue()
        send(f":file {upload}")
        await wait_for(stdout, "收到文件 报名表.pdf")
        send("9")
        await wait_for(stdout, "没有编号为 9 的按钮")
        send(":quit")
        await asyncio.wait_for(chat, 2.0)
    finally:
        writer.close()
        if not chat.done():
            chat.cancel()
        stdin.close()


async def test_end_of_input_ends_the_chat(emu: BotApiEmulator, tmp_path: Path) -> None:
    read_fd, write_fd = os.pipe()
    os.close(write_fd)
    with os.fdopen(read_fd, "r", encoding="utf-8") as stdin:
        stdout = io.StringIO()
        await asyncio.wait_for(run_terminal_chat(emu, stdin=stdin, stdout=stdout, download_dir=tmp_path), 2.0)
    assert ":quit" in stdout.getvalue()
