"""Build the Application from settings; resources open in post_init and close in post_shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes

from bot import handlers
from bot.command_menus import publish_all
from bot.context import App, BotServices, Context
from bot.delivery import start_delivery
from bot.late_answers import LateAnswerTolerantBot
from bot.leading import start_leadership
from bot.observe import CountingRequest, Metrics, instrument
from bot.polling import ConfirmingPoller
from bot.startup import opening_database
from bot.update_processor import PerUserUpdateProcessor
from bot.web import start_web
from bot.webhook import start_webhook, stop_webhook
from core.db import Database
from core.db.migrate import upgrade
from core.db.single_process import claim_sqlite
from core.settings import Settings
from scheduler import build_scheduler

log = logging.getLogger(__name__)


async def _post_init(app: App) -> None:
    services = app.bot_data
    settings = services.settings
    with opening_database(settings.database_url):
        services.process_lock = claim_sqlite(settings.database_url)  # a second process on SQLite stops here
        services.db = Database(settings.database_url)
        await upgrade(services.db.engine)
    if services.seed_demo:
        from core.demo import seed_demo

        await seed_demo(services.db, settings.timezone, settings.staff_ids)
    services.bot_username = app.bot.username
    services.bot = app.bot
    await publish_all(app.bot, services.db, settings.staff_ids)
    services.scheduler = build_scheduler(settings.timezone)
    services.scheduler.start(paused=True)  # its jobs run in the elected process only (bot.leading)
    services.web_runner = await start_web(services)
    services.delivery = await start_delivery(
        services.db, app.bot.token, settings.bot_api_url, on_outcome=services.metrics.count_send
    )
    await start_leadership(app)  # it keeps the scheduler-leader gauge in step (bot.leading.show_leadership)
    log.info("ready as @%s, web on %s:%s", services.bot_username, settings.web_host, services.web_port)


async def _post_shutdown(app: App) -> None:
    services = app.bot_data
    if services.delivery is not None:
        await services.delivery.stop()
        services.delivery = None
    if services.leadership is not None:
        await services.leadership.stop()
        services.leadership = None
    if services.scheduler is not None:
        await services.scheduler.stop()  # before the database closes under a running job
    if services.web_runner is not None:
        await services.web_runner.cleanup()
    if services._db is not None:
        await services.db.dispose()
        services.db = None
    if services.process_lock is not None:
        services.process_lock.release()
        services.process_lock = None


def build_application(settings: Settings, *, token: str | None = None, seed_demo: bool = False) -> App:
    """Assemble the bot for Telegram or the emulator; nothing touches network or disk before post_init."""
    bot_token = token or settings.bot_token
    if bot_token is None:
        raise ValueError("build_application needs a token (the sandbox passes the emulator's)")
    metrics = Metrics()  # this application's own registry
    telegram = LateAnswerTolerantBot(
        bot_token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_file_api_url,
        # PTB's own defaults for a built bot, counting each answer for /metrics
        request=CountingRequest(metrics, connection_pool_size=256),
        get_updates_request=CountingRequest(metrics, connection_pool_size=1),
        rate_limiter=AIORateLimiter(overall_max_rate=settings.telegram_overall_rate, max_retries=5),
    )
    app: App = (
        ApplicationBuilder()
        .bot(telegram)
        .context_types(ContextTypes(context=Context, bot_data=BotServices))
        .concurrent_updates(PerUserUpdateProcessor())
        .job_queue(None)
        .updater(None)  # bot.polling confirms updates only after handling them
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data.settings = settings
    app.bot_data.metrics = metrics
    app.bot_data.seed_demo = seed_demo
    app.bot_data.routes = handlers.register(app)
    instrument(app, app.bot_data.routes)
    return app


async def start_bot(app: App, *, poll_timeout: int = 10) -> None:
    """Start receiving updates the way the settings say: a webhook when WEBHOOK_URL is set, else polling."""
    if app.bot_data.settings.webhook_url is not None:
        await start_webhook(app)
    else:
        await start_polling(app, poll_timeout=poll_timeout)


async def stop_bot(app: App) -> None:
    """Stop what start_bot started."""
    if app.bot_data.settings.webhook_url is not None:
        await stop_webhook(app)
    else:
        await stop_polling(app)


async def start_polling(app: App, *, poll_timeout: int = 10) -> None:
    """Start the bot, running post_init as PTB's run_polling would, then poll with ConfirmingPoller."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    await app.bot.delete_webhook()  # polling after webhook mode: Telegram refuses getUpdates while one is set
    poller = ConfirmingPoller(app, poll_timeout=poll_timeout)
    await poller.start()
    app.bot_data.poller = poller


async def stop_polling(app: App) -> None:
    """Stop what start_polling started, in reverse, running post_shutdown as run_polling does."""
    try:
        poller, app.bot_data.poller = app.bot_data.poller, None
        if poller is not None:
            await poller.stop()
        if app.running:
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def serve(app: App) -> None:
    """Run the bot until SIGINT or SIGTERM, then stop cleanly (production entry point)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await start_bot(app)  # a failed start still closes what it opened
        await stop.wait()
    finally:
        await stop_bot(app)
