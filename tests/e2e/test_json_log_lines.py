"""With LOG_FORMAT=json, what the bot logs inside an update names the update, never the person's data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import JsonFormatter
from tests.e2e.harness import BotHarness


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Catch the bot's own log lines, formatted as LOG_FORMAT=json formats them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("bot")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


async def test_an_update_logs_its_id_user_handler_and_duration_but_not_what_was_typed(
    bot: BotHarness, json_lines: io.StringIO
) -> None:
    user = bot.user(6101, "欧阳娜娜")
    await user.send_command("/help")
    await user.next_message()
    help_update = user.last_update_id
    await user.send_text("我的手机号是13800138000")
    await user.next_message()
    await bot.stop()  # every line written

    entries = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    done = [e for e in entries if e.get("update_id") == help_update and e["msg"].startswith("update ")]
    assert len(done) == 1
    assert done[0]["user_id"] == 6101 and done[0]["handler"] == "start.show_help"
    assert done[0]["duration_ms"] >= 0 and done[0]["level"] == "DEBUG"
    text = json_lines.getvalue()
    assert "欧阳娜娜" not in text and "13800138000" not in text
