"""The built-in web server (health, metrics, certificate verification, webhook), on the bot's event loop."""

from __future__ import annotations

from aiohttp import web

from bot import web_health, web_sandbox, web_verify
from bot.context import BotServices

SERVICES = web.AppKey("services", BotServices)


def build_web_app(services: BotServices) -> web.Application:
    """Assemble routes; features add theirs here in one visible list."""
    app = web.Application()
    app[SERVICES] = services
    app.add_routes(web_health.routes(SERVICES))
    app.add_routes(web_verify.routes(SERVICES))
    if services.sandbox is not None:  # only against the local emulator: no token, no sandbox routes
        app.add_routes(web_sandbox.routes(SERVICES))
    if services.webhook is not None:
        app.router.add_post(services.settings.webhook_path, services.webhook.receive)
    return app


async def start_web(services: BotServices) -> web.AppRunner:
    """Serve on the configured host and port (0 picks a free port, used by tests)."""
    runner = web.AppRunner(build_web_app(services), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, services.settings.web_host, services.settings.web_port)
    await site.start()
    server = site._server
    sockets = getattr(server, "sockets", None) or []
    services.web_port = sockets[0].getsockname()[1] if sockets else services.settings.web_port
    return runner
