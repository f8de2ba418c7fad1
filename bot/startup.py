"""Start-up failures an operator can fix: one line naming the setting and exit code 2, no traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from telegram.error import InvalidToken, NetworkError

from core.db.single_process import AnotherProcess
from core.settings import Settings
from core.texts import t

EXIT_CODE = 2


class StartupFailure(Exception):
    """A resource named by a setting could not be opened; the message is the line to print."""


def _reason(error: BaseException) -> str:
    """The first line of the innermost error, short enough for one log line."""
    while error.__cause__ is not None and not str(error):
        error = error.__cause__
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error) or type(error).__name__
    return text.strip().splitlines()[0][:160] if text.strip() else type(error).__name__


def _shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://")[0] + "://…"


@contextmanager
def opening_database(url: str) -> Iterator[None]:
    """Turn any failure to open or migrate the database into a StartupFailure naming DATABASE_URL."""
    try:
        yield
    except AnotherProcess:
        raise  # its own message already says what to do
    except Exception as error:
        line = t("startup.database", url=_shown_url(url), reason=_reason(error))
        raise StartupFailure(line) from error


def failure_line(error: BaseException, settings: Settings) -> str | None:
    """The one line to print for a start-up failure the operator can fix; None for anything else."""
    if isinstance(error, StartupFailure):
        return str(error)
    if isinstance(error, InvalidToken):
        return t("startup.token", url=settings.bot_api_url)
    if isinstance(error, NetworkError):  # includes TimedOut
        return t("startup.bot_api", url=settings.bot_api_url, reason=_reason(error))
    return None


class AlembicInfoAsDebug(logging.Filter):
    """Alembic's routine INFO lines (plugins, context, each revision run) are detail: log them as DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and record.name.startswith("alembic"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def demote_alembic_info() -> None:
    """Filter every root handler there is now: handlers, unlike loggers, see records from all loggers."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, AlembicInfoAsDebug) for f in handler.filters):
            handler.addFilter(AlembicInfoAsDebug())
