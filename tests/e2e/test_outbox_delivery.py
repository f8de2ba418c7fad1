"""The delivery worker against the emulator: limits, refusals, 429s, and being killed halfway."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise

from sqlalchemy import insert, select

from bot.delivery import BotApiSender, make_session
from core.db import Database
from core.db.models import OutboxMessage, User
from core.notices import broadcast, outbox
from core.notices.audiences import Audience
from core.notices.outbox_worker import DeliveryWorker
from core.people.users import TelegramIdentity
from emulator import BotApiEmulator
from tests.e2e.harness import TOKEN

STAFF_ID = 900001
TEXT = "【通知】请查看线下培训安排。"


async def seed_users(db: Database, ids: list[int]) -> None:
    async with db.uow() as uow:
        await uow.session.execute(insert(User), [{"telegram_id": i, "first_name": "用户"} for i in ids])
        await uow.commit()


async def queue_to_everyone(db: Database) -> int:
    who, staff = TelegramIdentity(STAFF_ID, "工作人员"), frozenset({STAFF_ID})
    await broadcast.start(db, who, staff)
    await broadcast.compose(db, who, staff, TEXT)
    await broadcast.choose_audience(db, who, staff, Audience("all"))
    return (await broadcast.confirm(db, who, staff, datetime.now(UTC))).recipients


def worker(db: Database, emulator: BotApiEmulator, rate: float = 200.0) -> DeliveryWorker:
    session = make_session(8)
    return DeliveryWorker(db, BotApiSender(session, emulator.base_url, TOKEN), rate=rate, concurrency=8)


async def close(w: DeliveryWorker) -> None:
    sender = w.send
    assert isinstance(sender, BotApiSender)
    await sender.session.close()


def received(emulator: BotApiEmulator, ids: list[int]) -> Counter[int]:
    return Counter(uid for uid in ids for m in emulator.user(uid).bot_messages.values() if m.text == TEXT)


async def statuses(db: Database) -> dict[int, tuple[str, str | None]]:
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.last_error)
        )
        return {chat: (status, error) for chat, status, error in rows.all()}


async def test_blocked_users_and_missing_chats_are_recorded_undeliverable(
    emulator: BotApiEmulator, db: Database
) -> None:
    ids = [STAFF_ID, 2001, 2002, 2003, 2004]
    emulator.make_started_users([STAFF_ID, 2001, 2002])
    emulator.user(2002).block()
    emulator.user(2003)  # never pressed Start
    await seed_users(db, ids)  # 2004 is unknown to Telegram: chat not found
    await queue_to_everyone(db)
    w = worker(db, emulator)
    await w.run_until_empty()
    await close(w)
    seen = await statuses(db)
    assert seen[2001][0] == "sent" and received(emulator, [2001])[2001] == 1
    assert seen[2002] == ("undeliverable", "403 Forbidden: bot was blocked by the user")
    assert seen[2003][0] == "undeliverable" and seen[2003][1].startswith("403")
    assert seen[2004] == ("undeliverable", "400 Bad Request: chat not found")
    async with db.uow() as uow:
        blocked = set((await uow.session.scalars(select(User.telegram_id).where(User.blocked_bot))).all())
    assert blocked == {2002, 2003}


async def test_a_429_is_waited_out_and_every_message_still_arrives_once(
    emulator: BotApiEmulator, db: Database
) -> None:
    ids = [STAFF_ID, *range(3000, 3060)]
    emulator.make_started_users(ids)
    emulator.set_rate_limits(global_rate=10.0)  # a burst of 10: the 61 sends trip it on any machine
    await seed_users(db, ids[1:])
    await queue_to_everyone(db)
    w = worker(db, emulator, rate=400.0)
    await w.run_until_empty()
    await close(w)
    assert emulator.stats.rate_limited >= 1 and w.rate_limited >= 1
    assert set(received(emulator, ids).values()) == {1} and len(received(emulator, ids)) == len(ids)


async def test_a_worker_killed_mid_broadcast_resumes_and_serves_everyone_once(
    emulator: BotApiEmulator, db: Database
) -> None:
    ids = [STAFF_ID, *range(4000, 4400)]
    emulator.make_started_users(ids)
    emulator.set_rate_limits(global_rate=200.0)
    await seed_users(db, ids[1:])
    assert await queue_to_everyone(db) == len(ids)
    for share in (0.25, 0.5, 0.75):  # killed three times, each time a new worker takes over
        killed = worker(db, emulator)
        task = asyncio.create_task(killed.run())
        while emulator.stats.messages_sent < len(ids) * share:  # noqa: ASYNC110 (watching the emulator)
            await asyncio.sleep(0.005)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await close(killed)
        assert "sending" not in {status for status, _ in (await statuses(db)).values()}
    assert emulator.stats.messages_sent < len(ids)
    last = worker(db, emulator)
    await last.run_until_empty()
    await close(last)
    counts = received(emulator, ids)
    assert len(counts) == len(ids) and set(counts.values()) == {1}


async def test_rows_a_dead_process_left_mid_send_are_sent_again_at_least_once(
    emulator: BotApiEmulator, db: Database
) -> None:
    ids = [STAFF_ID, 5001, 5002, 5003]
    emulator.make_started_users(ids)
    await seed_users(db, ids[1:])
    await queue_to_everyone(db)
    # a process claimed two rows and died before recording; its lease has lapsed since
    await outbox.claim(db, datetime.now(UTC) - outbox.LEASE, 2, holder="dead")
    w = worker(db, emulator)
    await w.run_until_empty()
    await close(w)
    counts = received(emulator, ids)
    assert len(counts) == len(ids) and set(counts.values()) == {1}
    assert {status for status, _ in (await statuses(db)).values()} == {"sent"}


async def test_several_notices_to_one_chat_are_spaced_a_second_apart_so_telegram_never_says_429(
    emulator: BotApiEmulator, db: Database
) -> None:
    ids = [STAFF_ID, 6001, 6002]
    emulator.make_started_users(ids)
    emulator.set_rate_limits(per_chat_rate=1.0, per_chat_burst=1)
    await seed_users(db, ids[1:])
    for _ in range(3):
        await queue_to_everyone(db)
    w = worker(db, emulator)
    await w.run_until_empty()
    await close(w)
    assert emulator.stats.rate_limited == 0
    stamps = sorted(stamp for stamp, chat, _ in emulator.sent_log if chat == 6001)
    assert len(stamps) == 3 and min(b - a for a, b in pairwise(stamps)) >= 0.95
