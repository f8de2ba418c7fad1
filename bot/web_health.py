"""Liveness, readiness and Prometheus metrics for load balancers, orchestrators and monitoring."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.context import BotServices
from core.db.models.base import utcnow
from core.db.readiness import database_problem
from core.notices import outbox_stats

API_FRESH = 60.0  # seconds a successful Bot API answer vouches for Telegram being reachable
API_PROBE_TIMEOUT = 5.0


def routes(services_key: web.AppKey[BotServices]) -> list[web.RouteDef]:
    """The health and metrics routes; the web app passes the key its services live under."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(request: web.Request) -> web.Response:
        return await ready(request.app[services_key])

    async def metrics(request: web.Request) -> web.Response:
        return await scrape(request.app[services_key])

    return [web.get("/healthz", healthz), web.get("/readyz", readyz), web.get("/metrics", metrics)]


async def ready(services: BotServices) -> web.Response:
    """Answer 200 when the database serves this code's schema and the Bot API answers, else 503 saying why."""
    if services._db is None:
        return web.json_response({"ok": False, "reason": "starting or stopping"}, status=503)
    problem = await database_problem(services.db)
    if problem is None:
        problem = await _bot_api_problem(services)
    if problem is not None:
        return web.json_response({"ok": False, "reason": problem}, status=503)
    return web.json_response({"ok": True})


async def _bot_api_problem(services: BotServices) -> str | None:
    metrics = services.metrics
    if time.monotonic() - metrics.last_api_success < API_FRESH:
        return None
    bot = services.bot
    if bot is None:
        return "bot not started"
    try:
        await asyncio.wait_for(bot.get_me(), timeout=API_PROBE_TIMEOUT)
    except Exception as error:
        return f"Bot API unreachable: {type(error).__name__}"
    return None


async def scrape(services: BotServices) -> web.Response:
    """Refresh the outbox gauges from the database, then render every metric in Prometheus text format."""
    metrics = services.metrics
    if services._db is not None:
        try:
            backlog = await outbox_stats.backlog(services.db, utcnow())
        except Exception:
            metrics.errors.labels("metrics_outbox").inc()
        else:
            metrics.outbox_pending.set(backlog.unsent)
            metrics.outbox_oldest_age.set(backlog.oldest_age)
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
