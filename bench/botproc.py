"""A bot in its own process for load tests: the real bot, or a bare python-telegram-bot echo as the floor.

    python -m bench.botproc echo|bot API_URL [DATABASE_URL]

The real bot runs with PTB's overall 30 messages/s limiter lifted unless BENCH_TELEGRAM_RATE=1. With
WEBHOOK_URL, WEBHOOK_SECRET and WEB_PORT in the environment it takes the emulator's webhook POSTs instead.
With BENCH_PROFILE=FILE it runs under cProfile and writes its stats to FILE.bot or FILE.echo on SIGTERM
(bench/profile_shares.py sums them by library; cProfile's clock is wall time, so waiting in epoll shows).
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


def _count_statements(engine: object) -> None:
    """Count the SQL statements the bot sends; SIGUSR1 prints the running total as `sql N` on stdout."""
    from sqlalchemy import event

    sent = [0]

    def count(*_args: object) -> None:
        sent[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, lambda: print(f"sql {sent[0]}", flush=True))


async def serve(kind: str, api_url: str, database_url: str | None) -> None:
    """Run until SIGTERM (a clean stop) or SIGKILL (the crash benchmark)."""
    from bot.app import build_application, start_bot, stop_bot
    from core.settings import Settings

    if kind == "echo":
        app = build_echo(api_url)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
    else:
        env = {"BOT_API_URL": api_url, "WEB_PORT": "0", "LOG_LEVEL": "WARNING"}
        if os.environ.get("BENCH_TELEGRAM_RATE") != "1":
            # against the emulator, Telegram's 30 requests/s would set the pace (~22 journey upd/s)
            env["TELEGRAM_OVERALL_RATE"] = "0"
        if database_url:
            env["DATABASE_URL"] = database_url
        for key in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEB_PORT"):  # webhook mode, e.g. for several processes
            if os.environ.get(key):
                env[key] = os.environ[key]
        settings = dataclasses.replace(Settings.from_env(env))
        app = build_application(settings, token=TOKEN)
        await start_bot(app, poll_timeout=5)
        _count_statements(app.bot_data.db.engine.sync_engine)
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
        await stop_bot(app)


def main(argv: list[str]) -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    from bot import event_loop
    from core.privacy import log_masking

    log_masking.install([TOKEN])  # as bot/__main__ does, so BENCH_BOT_LOG holds no token or number
    kind, api_url = argv[0], argv[1]
    database_url = argv[2] if len(argv) > 2 else None
    profile_to = os.environ.get("BENCH_PROFILE")
    # the real bot on the loop bot/__main__ gives it; the echo floor on asyncio's, as PTB's own run_polling
    run = event_loop.run if kind == "bot" else asyncio.run
    if not profile_to:
        run(serve(kind, api_url, database_url))
        return 0
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        run(serve(kind, api_url, database_url))
    finally:
        profiler.disable()
        profiler.dump_stats(f"{profile_to}.{kind}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
