"""An update is recorded as applied in its use case's own transaction, so a redelivery is recognised."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core import menu
from core.db import Database, redelivery
from core.db.models import ProcessedUpdate, User, utcnow
from core.db.update_marks import CURRENT_UPDATE, AlreadyApplied, UpdateMark
from core.people.users import TelegramIdentity


async def users_and_records(db: Database) -> tuple[int, list[int]]:
    async with db.uow() as uow:
        users = await uow.session.scalar(select(func.count()).select_from(User))
        records = list(
            await uow.session.scalars(select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id))
        )
    return int(users or 0), records


def mark_for(update_id: int, fingerprint: str = "") -> UpdateMark:
    """The mark of an update whose fingerprint is given, or made of its id alone."""
    return UpdateMark(update_id, fingerprint or f"fp{update_id}")


async def handle(db: Database, update_id: int, telegram_id: int, fingerprint: str = "") -> UpdateMark:
    """What the poller does for one update, in a task of its own as the poller runs it."""

    async def run() -> UpdateMark:
        mark = mark_for(update_id, fingerprint)
        CURRENT_UPDATE.set(mark)
        try:
            await menu.greet(db, TelegramIdentity(telegram_id, "张三"), staff_ids=frozenset())
            await menu.greet(db, TelegramIdentity(telegram_id, "张三"), staff_ids=frozenset())
        finally:
            await redelivery.finish(db, mark)
        return mark

    return await asyncio.create_task(run())


async def test_the_first_commit_records_the_update_and_later_commits_of_it_do_not_repeat_it(
    db: Database,
) -> None:
    mark = await handle(db, 7, 100)
    assert mark.written and mark.closed
    assert await users_and_records(db) == (1, [7])
    assert await redelivery.was_applied(db, 7, "fp7")
    assert not await redelivery.was_applied(db, 8, "fp8")


async def test_a_use_case_for_an_update_already_applied_is_refused_and_changes_nothing(db: Database) -> None:
    await handle(db, 7, 100)
    with pytest.raises(AlreadyApplied):
        await handle(db, 7, 200)  # the same update again, e.g. from a second instance
    assert await users_and_records(db) == (1, [7])


async def test_a_service_committing_its_session_directly_records_the_update_too(db: Database) -> None:
    async def run() -> UpdateMark:
        mark = mark_for(11)
        CURRENT_UPDATE.set(mark)
        async with db.uow() as uow:
            uow.session.add(User(telegram_id=300, first_name="王五"))
            await uow.session.commit()
        return mark

    mark = await asyncio.create_task(run())
    assert mark.written and not mark.closed
    assert await users_and_records(db) == (1, [11])


async def test_an_update_whose_handling_committed_nothing_is_recorded_when_it_ends(db: Database) -> None:
    mark = mark_for(9)
    await redelivery.finish(db, mark)
    await redelivery.finish(db, mark)
    assert mark.written
    assert await users_and_records(db) == (0, [9])


async def test_commits_outside_an_update_record_nothing(db: Database) -> None:
    await menu.greet(db, TelegramIdentity(5, "李四"), staff_ids=frozenset())
    assert await users_and_records(db) == (1, [])


async def test_records_older_than_any_redelivery_are_dropped(db: Database) -> None:
    await redelivery.finish(db, mark_for(1))
    await redelivery.finish(db, mark_for(2))
    async with db.uow() as uow:
        await uow.session.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == 1)
            .values(processed_at=utcnow() - timedelta(days=3))
        )
        await uow.commit()
    assert await redelivery.forget_before(db, utcnow() - timedelta(days=2)) == 1
    assert await users_and_records(db) == (0, [2])


async def test_a_new_update_reusing_an_applied_id_is_applied_and_recorded_beside_the_old_one(
    db: Database,
) -> None:
    await handle(db, 1, 100, fingerprint="first-emulator")
    mark = await handle(db, 1, 200, fingerprint="second-emulator")  # ids restarted: a different update
    assert mark.written
    assert await users_and_records(db) == (2, [1, 1])
    assert await redelivery.was_applied(db, 1, "first-emulator")
    assert await redelivery.was_applied(db, 1, "second-emulator")
    assert not await redelivery.was_applied(db, 1, "third-emulator")


async def test_a_redelivery_is_recognised_however_high_the_ids_went_since(db: Database) -> None:
    await handle(db, 5, 100)
    for update_id in range(1_000_000, 1_000_003):
        await handle(db, update_id, 100 + update_id)
    assert await redelivery.was_applied(db, 5, "fp5")
    with pytest.raises(AlreadyApplied):
        await handle(db, 5, 300)
