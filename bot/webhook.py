"""Webhook mode: Telegram POSTs each update to the built-in web server, which answers once it is committed.

The 200 goes out only after the update was handled and its transaction committed (bot.apply_once), so
an update a crash interrupted is never acknowledged and Telegram sends it again; one applied before is
recognised.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.apply_once import handle_once
from bot.context import App
from bot.polling import ALLOWED_UPDATES

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookReceiver:
    """The aiohttp view behind WEBHOOK_URL's path; 503 (Telegram retries) until started and once stopping."""

    def __init__(self, app: App, secret: str) -> None:
        self._app = app
        self._secret = secret.encode()
        self._ready = False
        self._in_hand: dict[int, asyncio.Task[None]] = {}

    def start(self) -> None:
        """Take updates from now on."""
        self._ready = True

    async def stop(self) -> None:
        """Refuse new updates (Telegram keeps them for the next process) and finish those in hand."""
        self._ready = False
        if self._in_hand:
            await asyncio.gather(*self._in_hand.values(), return_exceptions=True)

    async def receive(self, request: web.Request) -> web.Response:
        """Check the secret, read the update, handle it, and answer 200 only when it is committed."""
        metrics = self._app.bot_data.metrics
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            metrics.webhook_rejected.labels("secret").inc()
            log.warning("webhook request without the right secret token from %s", request.remote)
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        if not self._ready:
            metrics.webhook_rejected.labels("not_ready").inc()
            return web.json_response({"ok": False, "error": "not ready"}, status=503)
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self._app.bot)
        except Exception as error:  # hostile or garbled input: refused, never a crash
            metrics.webhook_rejected.labels("malformed").inc()
            log.warning("webhook request with an unreadable update: %s", type(error).__name__)
            return web.json_response({"ok": False, "error": "bad update"}, status=400)
        task = self._in_hand.get(update.update_id)
        if task is None:  # a retry of an update still in hand waits for the first delivery, never repeats it
            task = asyncio.create_task(self._handle(update), name=f"webhook-update-{update.update_id}")
            self._in_hand[update.update_id] = task
        await asyncio.shield(task)
        return web.Response(status=200)

    async def _handle(self, update: Update) -> None:
        try:
            await handle_once(self._app, update)
        finally:
            self._in_hand.pop(update.update_id, None)


async def start_webhook(app: App) -> None:
    """Start the bot, web server included (post_init), then register the webhook with Telegram."""
    settings = app.bot_data.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    receiver = WebhookReceiver(app, settings.webhook_secret)
    app.bot_data.webhook = receiver  # the web server built in post_init serves its path
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    receiver.start()
    await app.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=ALLOWED_UPDATES,
        max_connections=settings.webhook_max_connections,
    )
    log.info("webhook registered, %s connections at most", settings.webhook_max_connections)


async def stop_webhook(app: App) -> None:
    """Stop taking updates, finish those in hand, and shut down; the webhook stays set for other processes."""
    try:
        receiver = app.bot_data.webhook
        if receiver is not None:
            await receiver.stop()
        if app.running:
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
