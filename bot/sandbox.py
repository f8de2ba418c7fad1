"""The local sandbox: the Bot API emulator and the bot in one process, with a terminal chat."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys

from bot.app import build_application, start_polling, stop_polling
from core.settings import Settings
from emulator import BotApiEmulator
from emulator.terminal import run_terminal_chat

SANDBOX_TOKEN = "100000001:SANDBOX-local-emulator-token-000000"
SANDBOX_USER_ID = 10001
SANDBOX_PORT = 8081

log = logging.getLogger(__name__)


async def run_sandbox(settings: Settings) -> None:
    """Start the emulator, point the bot at it and let a person chat in this terminal."""
    emulator = BotApiEmulator(token=SANDBOX_TOKEN, bot_username="examiner_sandbox_bot")
    try:
        await emulator.start(host="127.0.0.1", port=SANDBOX_PORT)
    except OSError:
        await emulator.start(host="127.0.0.1", port=0)
    local = dataclasses.replace(
        settings,
        bot_api_url=emulator.base_url,
        staff_ids=settings.staff_ids | {SANDBOX_USER_ID},
    )
    app = build_application(local, token=SANDBOX_TOKEN, seed_demo=True)
    print(
        f"本地体验模式：模拟 Telegram 运行在 {emulator.base_url}，网页在 http://{local.web_host}:{local.web_port}。"
        "\n输入文字发送消息，输入数字按按钮，:photo 路径 上传照片，:file 路径 上传文件，:quit 退出。\n",
        file=sys.stderr,
    )
    await start_polling(app)
    try:
        await run_terminal_chat(emulator, user_id=SANDBOX_USER_ID, first_name="体验用户")
    finally:
        await stop_polling(app)
        await emulator.stop()


def main(settings: Settings) -> None:
    """Run the sandbox until the person quits or stdin closes."""
    asyncio.run(run_sandbox(settings))
