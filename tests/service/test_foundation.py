"""The schema migrates, and the foundation's services read and write it on the chosen backend."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from core import menu
from core.db import Database, dialogs
from core.db.migrate import upgrade
from core.db.models import AuditEntry, Institution, Plan, User
from core.demo import seed_demo
from core.onboarding import checklist
from core.people.users import TelegramIdentity

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_migrating_twice_changes_nothing(db: Database) -> None:
    await upgrade(db.engine)
    async with db.engine.connect() as connection:
        version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    assert version


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(db: Database) -> None:
    if not db.is_sqlite:
        return
    async with db.engine.connect() as connection:
        assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1


async def test_greeting_creates_the_user_once_and_knows_staff(db: Database) -> None:
    who = TelegramIdentity(telegram_id=42, first_name="张三")
    first = await menu.greet(db, who, staff_ids=frozenset({42}))
    await menu.greet(db, who, staff_ids=frozenset())
    assert first.is_staff
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(User)) == 1


async def test_leaving_a_flow_reports_whether_there_was_one(db: Database) -> None:
    who = TelegramIdentity(telegram_id=7, first_name="李四")
    await menu.greet(db, who, frozenset())
    async with db.uow() as uow:
        user = await uow.session.scalar(select(User).where(User.telegram_id == 7))
        assert user is not None
        await dialogs.save(uow.session, user.id, dialogs.DialogState("profile", "name", {"a": 1}))
        await uow.commit()
    assert (await dialogs.current(db, 7)) == dialogs.DialogState("profile", "name", {"a": 1})
    assert await menu.leave_flow(db, who) is True
    assert await menu.leave_flow(db, who) is False
    assert await dialogs.current(db, 7) is None


async def test_a_unit_of_work_without_commit_leaves_no_trace(db: Database) -> None:
    async with db.uow() as uow:
        uow.session.add(User(telegram_id=99, first_name="x"))
        await uow.session.flush()
    async with db.uow() as uow:
        assert await uow.session.scalar(select(User).where(User.telegram_id == 99)) is None


async def test_demo_data_is_seeded_once_through_the_staff_services(db: Database) -> None:
    assert await seed_demo(db, SHANGHAI, frozenset({10001})) is True
    assert await seed_demo(db, SHANGHAI, frozenset({10001})) is False
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Plan)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(Institution)) == 3
        assert (await checklist(uow.session)).complete
        actions = set((await uow.session.scalars(select(AuditEntry.action))).all())
    assert {"plan.create", "institutions.import"} <= actions
    plans = await menu.published_plans(db)
    assert plans[0].required_study_minutes == 180
