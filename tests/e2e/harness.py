"""Run the real Application over HTTP against the project's Bot API emulator, as Telegram users see it."""

from __future__ import annotations

import dataclasses
import socket
from typing import Any, Literal

from bot.app import build_application, start_bot, stop_bot
from bot.context import App
from core.settings import Settings
from emulator import BotApiEmulator, EmulatedUser

TOKEN = "123456789:E2E-test-token-for-the-emulator-only"
STAFF_ID = 900001
WEBHOOK_SECRET = "e2e-webhook-secret_0123456789"
WEBHOOK_PATH = "/telegram/webhook"

Mode = Literal["polling", "webhook"]


def free_port() -> int:
    """A port free right now, so the bot can register its webhook URL before it listens there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotHarness:
    """One emulator, and a bot process that can be stopped and started again on the same database."""

    def __init__(
        self, emulator: BotApiEmulator, database_url: str, mode: Mode = "polling", **overrides: Any
    ) -> None:
        self.emulator = emulator
        self.mode = mode
        env = {
            "BOT_API_URL": emulator.base_url,
            "DATABASE_URL": database_url,
            "STAFF_IDS": str(STAFF_ID),
            "WEB_PORT": "0",
            "PUBLIC_BASE_URL": "http://127.0.0.1:8080",
        }
        if mode == "webhook":  # one port for every start, as the webhook stays registered across restarts
            port = free_port()
            env |= {
                "WEB_PORT": str(port),
                "WEBHOOK_URL": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
                "WEBHOOK_SECRET": WEBHOOK_SECRET,
            }
        self.settings = dataclasses.replace(Settings.from_env(env), **overrides)
        self.app: App | None = None

    @property
    def running(self) -> App:
        """Return the running application."""
        assert self.app is not None, "bot is not running"
        return self.app

    @property
    def web_url(self) -> str:
        """Base URL of the bot's web server."""
        return f"http://127.0.0.1:{self.running.bot_data.web_port}"

    async def start(self) -> None:
        """Start a fresh Application (as a new process would), long polling or taking webhook requests."""
        app = build_application(self.settings, token=TOKEN)
        await start_bot(app, poll_timeout=1)
        self.app = app

    async def stop(self) -> None:
        """Stop receiving and shut down as on SIGTERM."""
        app, self.app = self.app, None
        if app is None:
            return
        await stop_bot(app)

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database and emulator."""
        await self.stop()
        await self.start()

    def user(self, user_id: int, first_name: str = "考生", **kwargs: Any) -> EmulatedUser:
        """A Telegram user who can chat with the bot."""
        return self.emulator.user(user_id=user_id, first_name=first_name, **kwargs)

    def staff(self) -> EmulatedUser:
        """The configured staff member."""
        return self.user(STAFF_ID, "工作人员")
