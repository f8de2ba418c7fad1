"""Run the real Application over HTTP against the project's Bot API emulator, as Telegram users see it."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.app import build_application, start_polling, stop_polling
from bot.context import App
from core.settings import Settings
from emulator import BotApiEmulator, EmulatedUser

TOKEN = "123456789:E2E-test-token-for-the-emulator-only"
STAFF_ID = 900001


class BotHarness:
    """One emulator, and a bot process that can be stopped and started again on the same database."""

    def __init__(self, emulator: BotApiEmulator, database_url: str, **overrides: Any) -> None:
        self.emulator = emulator
        self.settings = dataclasses.replace(
            Settings.from_env(
                {
                    "BOT_API_URL": emulator.base_url,
                    "DATABASE_URL": database_url,
                    "STAFF_IDS": str(STAFF_ID),
                    "WEB_PORT": "0",
                    "PUBLIC_BASE_URL": "http://127.0.0.1:8080",
                }
            ),
            **overrides,
        )
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
        """Start a fresh Application (as a new process would) and begin long polling."""
        app = build_application(self.settings, token=TOKEN)
        await start_polling(app, poll_timeout=1)
        self.app = app

    async def stop(self) -> None:
        """Stop polling and shut down as on SIGTERM."""
        app, self.app = self.app, None
        if app is None:
            return
        await stop_polling(app)

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
