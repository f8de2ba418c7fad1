"""Typed bot_data so handlers reach services through attributes, not magic keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from core.db.models.base import utcnow

if TYPE_CHECKING:
    from aiohttp import web

    from bot.delivery import Delivery
    from bot.observe import Metrics
    from bot.polling import ConfirmingPoller
    from bot.routing import Routes
    from bot.sandbox_session import SandboxSession
    from bot.webhook import WebhookReceiver
    from core.db import Database
    from core.db.leader import Leadership
    from core.db.single_process import ProcessLock
    from core.settings import Settings
    from scheduler import ProgrammeScheduler


class BotServices:
    """What every handler may use; PTB creates it empty, build_application and post_init fill it."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._db: Database | None = None
        self.scheduler: ProgrammeScheduler | None = None
        self.web_runner: web.AppRunner | None = None
        self.web_port: int | None = None
        self.bot_username: str = ""
        self._routes: Routes | None = None
        self.seed_demo: bool = False
        self.delivery: Delivery | None = None
        self.poller: ConfirmingPoller | None = None
        self.process_lock: ProcessLock | None = None  # SQLite: this process owns the file
        self.leadership: Leadership | None = None  # whether this process runs the scheduled jobs
        self.webhook: WebhookReceiver | None = None  # set in webhook mode, before the web server starts
        self._metrics: Metrics | None = None
        self.bot: ExtBot[Any] | None = None  # set in post_init, for the readiness probe's getMe
        # the server clock every time rule reads; tests and the sandbox replace it to move time forward
        self.clock: Callable[[], datetime] = utcnow
        self.sandbox: SandboxSession | None = None  # only in the sandbox: its page, personas and clock

    def real_time(self, moment: datetime) -> datetime:
        """The real instant at which the server clock will read `moment`, for the scheduler's triggers."""
        return utcnow() + (moment - self.clock())

    @property
    def settings(self) -> Settings:
        """Return the settings the application was built with."""
        if self._settings is None:
            raise RuntimeError("settings used before build_application set them")
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    @property
    def routes(self) -> Routes:
        """Return the features' routes (menu items, flows, /start payloads) that build_application merged."""
        if self._routes is None:
            raise RuntimeError("routes used before build_application set them")
        return self._routes

    @routes.setter
    def routes(self, value: Routes) -> None:
        self._routes = value

    @property
    def is_leader(self) -> bool:
        """Tell whether this process runs the scheduled jobs (bot.leading)."""
        return self.leadership is not None and self.leadership.is_leader

    @property
    def metrics(self) -> Metrics:
        """Return this application's metrics (its own Prometheus registry)."""
        if self._metrics is None:
            raise RuntimeError("metrics used before build_application set them")
        return self._metrics

    @metrics.setter
    def metrics(self, value: Metrics) -> None:
        self._metrics = value

    @property
    def db(self) -> Database:
        """Return the database; only valid between post_init and post_shutdown."""
        if self._db is None:
            raise RuntimeError("database used before post_init or after post_shutdown")
        return self._db

    @db.setter
    def db(self, value: Database | None) -> None:
        self._db = value


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotServices]):
    """The context type every handler receives."""


App = Application[Any, Context, Any, Any, BotServices, Any]
