"""Two processes on one PostgreSQL never run one person's units of work at once; others go on meanwhile."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, text

from core import menu
from core.db import Database
from core.db.engine import CURRENT_PERSON
from core.db.models import User
from core.people.users import TelegramIdentity


async def waiting_for_advisory_locks(db: Database) -> int:
    async with db.engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        )
    return int(found or 0)


async def until_someone_waits_for_a_lock(db: Database) -> None:
    for _ in range(1200):
        if await waiting_for_advisory_locks(db):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("nobody ever waited for the person's lock")


async def hold_person(db: Database, person: int, holding: asyncio.Event, release: asyncio.Event) -> None:
    """One process's use case for `person`, paused inside its transaction until told to go on."""
    CURRENT_PERSON.set(person)
    async with db.uow() as uow:
        uow.session.add(User(telegram_id=person, first_name="甲"))
        await uow.session.flush()
        holding.set()
        await release.wait()
        await uow.commit()


async def greet(db: Database, person: int, sender: int) -> str:
    """Another process's use case: greet `sender` while serving `person`'s update."""
    CURRENT_PERSON.set(person)
    await menu.greet(db, TelegramIdentity(sender, "乙"), staff_ids=frozenset())
    async with db.uow() as uow:
        names = await uow.session.scalars(select(User.first_name).order_by(User.telegram_id))
        return ",".join(names)


async def test_a_second_process_waits_for_the_first_to_commit_the_same_persons_step(
    database_url: str, database_backend: str
) -> None:
    if database_backend != "postgresql":
        return  # SQLite: a second process on the file is refused (core.db.single_process)
    first, second = Database(database_url), Database(database_url)  # two engines: two processes
    holding, release = asyncio.Event(), asyncio.Event()
    try:
        holder = asyncio.create_task(hold_person(first, 501, holding, release))
        await holding.wait()
        other_person = await asyncio.create_task(greet(second, 777, 502))
        assert other_person == "乙"  # someone else is not held up
        same_person = asyncio.create_task(greet(second, 501, 503))
        await until_someone_waits_for_a_lock(first)
        assert not same_person.done()
        release.set()
        await holder
        assert await same_person == "甲,乙,乙"  # it ran after the commit and saw the first step's row
    finally:
        release.set()
        await first.dispose()
        await second.dispose()


async def test_a_unit_of_work_opened_inside_another_for_the_same_person_does_not_wait_on_itself(
    db: Database,
) -> None:
    if db.is_sqlite:
        return  # SQLite takes its write lock at BEGIN: a nested writer would wait on its outer one anyway

    async def nested() -> int:
        CURRENT_PERSON.set(601)
        async with db.uow() as outer:
            outer.session.add(User(telegram_id=601, first_name="丙"))
            await outer.session.flush()
            async with db.uow() as inner:
                await inner.session.scalar(select(func.count()).select_from(User))
            await outer.commit()
        async with db.uow() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(User)) or 0)

    assert await asyncio.wait_for(asyncio.create_task(nested()), timeout=60) == 1
