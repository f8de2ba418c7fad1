"""/metrics scraped during a run counts what the test did; /healthz and /readyz say where to send traffic."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, text

from core.db import Database
from core.db.models import OutboxMessage
from tests.e2e.harness import BotHarness
from tests.service.test_notices import seed_programme

pytestmark = pytest.mark.webhook  # also run with the bot in webhook mode

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(bot: BotHarness) -> Samples:
    async with ClientSession() as session, session.get(f"{bot.web_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum over every label set that has the given labels."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


async def settled(bot: BotHarness) -> Samples:
    """Scrape once every update handed out is counted (counts follow replies) and the outbox recorded."""
    handed_out = bot.emulator.updates._next_id - 1
    for _ in range(100):
        samples = await scrape(bot)
        counted = total(samples, "examiner_updates_total") >= handed_out
        if counted and value(samples, "examiner_outbox_pending") == 0:
            return samples
        await asyncio.sleep(0.05)
    return samples


async def test_metrics_count_updates_by_handler_sends_and_the_empty_outbox(
    bot: BotHarness, db: Database
) -> None:
    await seed_programme(bot.running.bot_data.db)
    for liaison in (5001, 5002):
        bot.user(liaison, started=True)
    candidate = bot.user(1201, "张三")
    for _ in range(3):
        await candidate.send_command("/help")
        await candidate.next_message()
    await candidate.send_text("随便说点什么")
    await candidate.next_message()

    staff = bot.staff()
    await staff.send_command("/broadcast")
    await staff.next_message()
    await staff.send_text("请报送参训名单。")
    await staff.next_message()
    await staff.press("仅联络人员")
    await staff.next_message()
    await staff.press("确认发送")
    await staff.next_message()
    for liaison in (5001, 5002):
        await bot.user(liaison).next_message()
    report = await staff.next_message(timeout=5)
    assert "已送达 2" in report.text

    samples = await settled(bot)
    handed_out = bot.emulator.updates._next_id - 1  # 4 from the candidate, 4 from staff
    assert handed_out == 8
    assert total(samples, "examiner_updates_total") == handed_out
    assert value(samples, "examiner_updates_total", handler="start.show_help", result="ok") == 3
    assert value(samples, "examiner_updates_total", handler="notices.broadcast.start", result="ok") == 1
    assert value(samples, "examiner_updates_total", handler="notices.broadcast.confirm", result="ok") == 1
    assert value(samples, "examiner_handler_duration_seconds_count", handler="start.show_help") == 3
    assert total(samples, "examiner_updates_total", result="error") == 0
    assert total(samples, "examiner_errors_total") == 0

    async with db.uow() as uow:
        sent = await uow.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
    assert sent == 3  # the two notices and the report to staff
    assert value(samples, "examiner_outbox_sends_total", result="sent") == 3
    assert value(samples, "examiner_outbox_pending") == 0
    assert value(samples, "examiner_outbox_oldest_pending_age_seconds") == 0
    assert value(samples, "examiner_telegram_rate_limited_total") == 0
    replies = value(samples, "examiner_telegram_requests_total", method="sendMessage", status="200")
    assert replies >= 4 + 4  # at least one reply per candidate and staff message
    assert value(samples, "examiner_scheduler_leader") == (1 if bot.running.bot_data.is_leader else 0)


async def test_two_bots_in_one_process_keep_their_own_counters(bot: BotHarness) -> None:
    user = bot.user(1202, "李四")
    await user.send_command("/help")
    await user.next_message()
    first = await settled(bot)
    await bot.restart()  # a new Application: a registry of its own, starting from zero
    second = await scrape(bot)
    assert value(first, "examiner_updates_total", handler="start.show_help", result="ok") == 1
    assert value(second, "examiner_updates_total", handler="start.show_help", result="ok") == 0


async def test_healthz_is_alive_and_readyz_checks_database_migrations_and_bot_api(
    bot: BotHarness, db: Database
) -> None:
    async with ClientSession() as session:
        async with session.get(f"{bot.web_url}/healthz") as response:
            assert response.status == 200 and (await response.json())["ok"] is True
        async with session.get(f"{bot.web_url}/readyz") as response:
            assert response.status == 200, await response.text()

        async with db.engine.begin() as connection:  # a schema behind the code: not ready, and why
            await connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
        try:
            async with session.get(f"{bot.web_url}/readyz") as response:
                body = await response.json()
                assert response.status == 503 and body["ok"] is False
                assert "migrations not at head" in body["reason"] and "9999_future" in body["reason"]
        finally:
            async with db.engine.begin() as connection:
                await connection.execute(
                    text("DELETE FROM alembic_version WHERE version_num = '9999_future'")
                )

        await bot.emulator.stop()  # Telegram unreachable, and nothing answered from it lately
        bot.running.bot_data.metrics.last_api_success = 0.0
        async with session.get(f"{bot.web_url}/readyz") as response:
            body = await response.json()
            assert response.status == 503 and "Bot API unreachable" in body["reason"]
