"""Several processes drain one outbox: each row is sent once, a dead holder's rows go out again, and the
overall rate is one budget for all of them."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from core.db import Database
from core.db.models import OutboxMessage, User
from core.notices import broadcast, outbox
from core.notices.audiences import Audience
from core.notices.outbox import Outcome, Outgoing, Sent
from core.notices.outbox_worker import DeliveryWorker
from core.people.users import TelegramIdentity

STAFF_ID = 900001
NOW = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)


async def queue_to(db: Database, people: int) -> int:
    async with db.uow() as uow:
        rows = [{"telegram_id": 7000 + n, "first_name": "用户"} for n in range(people)]
        await uow.session.execute(insert(User), rows)
        await uow.commit()
    who, staff = TelegramIdentity(STAFF_ID, "工作人员"), frozenset({STAFF_ID})
    await broadcast.start(db, who, staff)
    await broadcast.compose(db, who, staff, "【通知】请查看安排。")
    await broadcast.choose_audience(db, who, staff, Audience("all"))
    return (await broadcast.confirm(db, who, staff, datetime.now(UTC))).recipients


class Telegram:
    """Records every message put on the wire, whichever process sent it."""

    def __init__(self) -> None:
        self.received: Counter[int] = Counter()

    async def __call__(self, item: Outgoing) -> Outcome:
        self.received[item.chat_id] += 1
        await asyncio.sleep(0)
        return Sent(len(self.received))


async def sending(db: Database) -> dict[int, str | None]:
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(OutboxMessage.id, OutboxMessage.claimed_by).where(OutboxMessage.status == outbox.SENDING)
        )
        return {row_id: holder for row_id, holder in rows.all()}


async def test_two_processes_draining_one_outbox_send_every_row_exactly_once(
    database_url: str, database_backend: str
) -> None:
    if database_backend != "postgresql":
        return  # a second process on SQLite is refused (core.db.single_process)
    first, second = Database(database_url), Database(database_url)  # two engines: two processes
    telegram = Telegram()
    try:
        recipients = await queue_to(first, 120)
        workers = [
            DeliveryWorker(db, telegram, rate=400.0, per_chat_interval=0.0, concurrency=4)
            for db in (first, second)
        ]
        await asyncio.gather(*(w.run_until_empty() for w in workers))
        assert sum(telegram.received.values()) == recipients == len(telegram.received)
        assert sum(w.sent for w in workers) == recipients
        assert await sending(first) == {}
    finally:
        await first.dispose()
        await second.dispose()


async def test_rows_of_a_holder_that_stopped_renewing_are_taken_back_once_its_lease_lapsed(
    db: Database,
) -> None:
    await queue_to(db, 6)
    dead = await outbox.claim(db, NOW, 3, holder="dead")
    alive = await outbox.claim(db, NOW, 3, holder="alive")
    assert await outbox.recover_interrupted(db, NOW + outbox.LEASE / 2, lapsed_only=True) == 0
    assert await outbox.renew(db, "alive", NOW + outbox.LEASE * 2) == len(alive)
    after_the_lease = NOW + outbox.LEASE + timedelta(seconds=1)
    assert await outbox.recover_interrupted(db, after_the_lease, lapsed_only=True) == len(dead)
    assert set((await sending(db)).values()) == {"alive"}
    again = await outbox.claim(db, after_the_lease, 100, holder="next")
    assert {item.id for item in dead} <= {item.id for item in again}
    assert all(item.attempts == 2 for item in again if item.id in {d.id for d in dead})


async def test_the_send_budget_is_one_bucket_for_every_process(
    database_url: str, database_backend: str
) -> None:
    if database_backend != "postgresql":
        return  # SQLite runs one process, whose own pacer keeps Telegram's rate
    first, second = Database(database_url), Database(database_url)
    try:
        await queue_to(first, 40)
        assert len(await outbox.claim(first, NOW, 100, holder="a", rate=10.0)) == 10  # a second's burst
        assert len(await outbox.claim(second, NOW, 100, holder="b", rate=10.0)) == 0  # spent by the other
        half_second = NOW + timedelta(milliseconds=500)
        assert len(await outbox.claim(second, half_second, 100, holder="b", rate=10.0)) == 5
        much_later = NOW + timedelta(minutes=5)  # an idle spell refills one burst, no more
        assert len(await outbox.claim(first, much_later, 100, holder="a", rate=10.0)) == 10
        assert len(await outbox.claim(second, much_later, 3, holder="b", rate=10.0)) == 0
    finally:
        await first.dispose()
        await second.dispose()
