"""`python -m bot`: serve Telegram (polling or webhook) with BOT_TOKEN, else the sandbox (`--terminal`)."""

from __future__ import annotations

import logging
import os
import sys

from dotenv import dotenv_values

from core.privacy import log_masking
from core.settings import Settings, SettingsError


def load_settings() -> Settings:
    """Read `.env` (if present) under the real environment, once."""
    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    return Settings.from_env(values)


def main() -> int:
    """Start the bot in the mode the settings ask for."""
    # PTB 22 deprecates float retry_after; opt in to timedelta so 429s raise RetryAfter, not a warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"配置错误 / configuration error: {error}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings)
    log_masking.install([settings.bot_token or ""])  # before anything logs: libraries' records too
    from bot.startup import EXIT_CODE, demote_alembic_info, failure_line, opening_database
    from core.db.single_process import AnotherProcess, claim_sqlite

    demote_alembic_info()
    try:
        with opening_database(settings.database_url):
            free = claim_sqlite(settings.database_url)  # say so before reaching out to Telegram at all
        if free is not None:
            free.release()  # post_init takes it for the life of the bot
        run(settings)
    except AnotherProcess as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:
        line = failure_line(error, settings)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return EXIT_CODE
    return 0


def run(settings: Settings) -> None:
    """Run the sandbox when there is no token, else serve Telegram until SIGTERM."""
    if settings.sandbox:
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
        from bot.sandbox import main as sandbox

        sandbox(settings, terminal="--terminal" in sys.argv[1:])
        return
    from bot.app import build_application, serve
    from bot.event_loop import run as run_loop

    run_loop(serve(build_application(settings)))


if __name__ == "__main__":
    raise SystemExit(main())
