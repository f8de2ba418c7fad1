"""Log set-up: readable text by default, or one JSON object per line (LOG_FORMAT=json) for log collectors.

Inside an update each JSON line carries the update id, the user id, the handler and the milliseconds so far,
taken from the update's trace (bot.observe), never from what the person wrote. Masking what a message itself
says is a filter's job, kept apart from this formatter.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from bot.observe import CURRENT_TRACE
from core.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, and the update's ids when in one."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record; an exception's traceback goes in `exc`."""
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        trace = CURRENT_TRACE.get()
        if trace is not None:
            entry["update_id"] = trace.update_id
            entry["user_id"] = trace.user_id
            entry["handler"] = trace.handler
            entry["duration_ms"] = round(trace.elapsed * 1000, 1)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Send every logger to stderr at LOG_LEVEL, in the format LOG_FORMAT names."""
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
