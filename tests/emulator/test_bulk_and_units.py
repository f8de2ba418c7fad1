"""Bulk users for benchmarks, and unit tests of the HTML parser and the token buckets."""

from __future__ import annotations

import pytest

from emulator import BotApiEmulator
from emulator.html import EntityParseError, parse_html
from emulator.limits import RateLimiter
from tests.emulator.conftest import Api


async def test_ten_thousand_started_users_can_be_made_at_once(emu: BotApiEmulator) -> None:
    users = emu.make_started_users(range(100_000, 110_000))
    assert len(users) == 10_000 and all(u.started for u in users)
    assert emu.user(100_000) is users[0]
    assert emu.make_started_users([100_000, 100_001]) == users[:2]


async def test_a_broadcast_is_throttled_by_the_global_rate(api: Api, emu: BotApiEmulator) -> None:
    # 20 msg/s with 100 sends: only a machine taking over 4 s for 100 local calls could let them all through.
    emu.set_rate_limits(global_rate=20.0, per_chat_rate=1.0, per_chat_burst=20)
    emu.make_started_users(range(1, 101))
    statuses = [(await api.call("sendMessage", chat_id=c, text="通知"))[0] for c in range(1, 101)]
    sent = statuses.count(200)
    assert 20 <= sent < 100 and statuses.count(429) == 100 - sent
    times = [t for t, _, _ in emu.sent_log]
    assert len(times) == sent


def test_html_is_stripped_to_plain_text_with_utf16_entities() -> None:
    text, entities = parse_html(
        '😀 <b>粗<i>斜</i></b> <a href="https://x.org/?a=1&amp;b=2">链接</a> &#x4e2d;&quot;'
    )
    assert text == '😀 粗斜 链接 中"'
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "italic", "offset": 4, "length": 1},
        {"type": "text_link", "offset": 6, "length": 2, "url": "https://x.org/?a=1&b=2"},
    ]


def test_pre_with_a_language_becomes_one_entity() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>'
    )
    assert text == "x = 1s"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 5, "length": 1},
    ]


def test_a_bare_ampersand_can_be_tolerated_like_real_telegram() -> None:
    assert parse_html("AT&T", strict_ampersand=False)[0] == "AT&T"
    with pytest.raises(EntityParseError):
        parse_html("AT&T")


def test_token_buckets_refuse_without_consuming_and_refill() -> None:
    limiter = RateLimiter(global_rate=None, per_chat_rate=1.0, per_chat_burst=2)
    assert limiter.acquire(1, now=100.0) == 0
    assert limiter.acquire(1, now=100.0) == 0
    assert limiter.acquire(1, now=100.0) == 1
    assert limiter.acquire(1, now=100.5) == 1
    assert limiter.acquire(1, now=101.0) == 0
    assert limiter.acquire(2, now=101.0) == 0
