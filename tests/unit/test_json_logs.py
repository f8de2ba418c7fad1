"""JSON log lines: one object per line, with the update's ids and timing when logged inside one."""

from __future__ import annotations

import json
import logging
import time

from bot.logs import JsonFormatter
from bot.observe import CURRENT_TRACE, UpdateTrace


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("bot.test", logging.INFO, __file__, 1, message, args, None)


def test_a_line_outside_an_update_has_time_level_logger_and_message_only() -> None:
    line = JsonFormatter().format(_record("ready as @%s", "examiner_bot"))
    entry = json.loads(line)
    assert "\n" not in line
    assert set(entry) == {"ts", "level", "logger", "msg"}
    assert entry["msg"] == "ready as @examiner_bot" and entry["level"] == "INFO"


def test_a_line_inside_an_update_carries_update_user_handler_and_duration() -> None:
    trace = UpdateTrace(update_id=77, user_id=1001, started=time.perf_counter(), handler="profile.on_text")
    token = CURRENT_TRACE.set(trace)
    try:
        entry = json.loads(JsonFormatter().format(_record("saved step %s", 3)))
    finally:
        CURRENT_TRACE.reset(token)
    assert (entry["update_id"], entry["user_id"], entry["handler"]) == (77, 1001, "profile.on_text")
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0


def test_an_exception_travels_in_the_same_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("bot.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert len(line.splitlines()) == 1
    assert "ValueError: boom" in json.loads(line)["exc"]
