"""A bot in its own process for load tests: the real bot, or a bare python-telegram-bot echo as the floor.

    python -m bench.botproc echo|bot API_URL [DATABASE_URL]
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

TOKEN = "424242:BENCH-token-for-the-local-emulator"


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def build_echo(api_url: str) -> Application:  # type: ignore[type-arg]
    """The framework's floor: concurrent updates, no database, one reply per message."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api_url)
        .base_file_url(api_url.replace("/bot", "/file/bot"))
        .concurrent_updates(256)
        .job_queue(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


async def serve(kind: str, api_url: str, database_url: str | None) -> None:
    """Run until SIGTERM (a clean stop) or SIGKILL (the crash benchmark)."""
    from bot.app import build_application, start_polling, stop_polling
    from core.settings import Settings

    if kind == "echo":
        app = build_echo(api_url)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
    else:
        env = {"BOT_API_URL": api_url, "WEB_PORT": "0", "LOG_LEVEL": "WARNING"}
        if database_url:
            env["DATABASE_URL"] = database_url
        settings = dataclasses.replace(Settings.from_env(env))
        app = build_application(settings, token=TOKEN)
        await start_polling(app, poll_timeout=5)
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    if kind == "echo":
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    else:
        await stop_polling(app)


def main(argv: list[str]) -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    kind, api_url = argv[0], argv[1]
    database_url = argv[2] if len(argv) > 2 else None
    asyncio.run(serve(kind, api_url, database_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
