"""Rows and a clock for study and quiz tests: an approved candidate, the sample content, a small blueprint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import Database
from core.db.models import BankQuestion, Plan, Registration, User
from core.quiz.bank import store_blueprint
from core.quiz.samples import seed_sample_content
from core.rules import Blueprint, BlueprintItem, QuestionType

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = "政策法规与职业道德"
METHODS = "考评要点、方法和技巧"
# Ten questions of ten points keep end-to-end runs short.
SMALL_BLUEPRINT = Blueprint(
    (
        BlueprintItem(QuestionType.SINGLE, POLICY, 4, 10),
        BlueprintItem(QuestionType.MULTIPLE, METHODS, 3, 10),
        BlueprintItem(QuestionType.TRUE_FALSE, POLICY, 3, 10),
    )
)


class FakeClock:
    """A server clock tests move forward by hand instead of waiting."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass(frozen=True, slots=True)
class Candidate:
    """An approved candidate's ids."""

    telegram_id: int
    user_id: int
    registration_id: int
    plan_id: int


async def make_plan(
    db: Database,
    *,
    today: date | None = None,
    plan_no: str = "2026120000000019",
    time_limit: int = 60,
    study_days: tuple[int, int] = (-3, 25),
    with_content: bool = True,
) -> int:
    """A published plan spanning today, with the sample course and bank and a 10-question paper."""
    today = today or datetime.now(SHANGHAI).date()
    async with db.uow() as uow:
        plan = Plan(
            plan_no=plan_no,
            name="2026年技能人才评价考评员培训",
            occupations=["电工"],
            registration_start=today - timedelta(days=10),
            registration_end=today + timedelta(days=5),
            study_start=today + timedelta(days=study_days[0]),
            study_end=today + timedelta(days=study_days[1]),
            quiz_time_limit_minutes=time_limit,
        )
        uow.session.add(plan)
        await uow.session.flush()
        if with_content:
            await seed_sample_content(uow.session, plan.id)
            await uow.session.flush()
            await store_blueprint(uow.session, plan.id, SMALL_BLUEPRINT)
        await uow.commit()
        return plan.id


async def make_candidate(
    db: Database, telegram_id: int, plan_id: int, *, status: str = "approved"
) -> Candidate:
    """A user with a registration for the plan, approved unless told otherwise."""
    async with db.uow() as uow:
        user = await uow.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            user = User(telegram_id=telegram_id, first_name=f"考生{telegram_id}")
            uow.session.add(user)
            await uow.session.flush()
        registration = Registration(user_id=user.id, plan_id=plan_id, occupation="电工", status=status)
        uow.session.add(registration)
        await uow.session.flush()
        candidate = Candidate(telegram_id, user.id, registration.id, plan_id)
        await uow.commit()
    return candidate


async def correct_answers(db: Database) -> dict[str, frozenset[str]]:
    """Each bank stem mapped to the texts of its correct options, so a test can answer as shown."""
    async with db.uow() as uow:
        rows = (await uow.session.scalars(select(BankQuestion))).all()
        return {r.stem: frozenset(r.options[i] for i in r.answer) for r in rows}


def install_clock(bot: object, clock: FakeClock) -> None:
    """Make the running bot read time from the test's clock (again after every restart)."""
    bot.running.bot_data.clock = clock  # type: ignore[attr-defined]


async def prepare(bot: object, database_url: str, *telegram_ids: int, **plan: int) -> FakeClock:
    """Insert a plan with content and approved candidates, and give the running bot a test clock."""
    db = Database(database_url)
    try:
        plan_id = await make_plan(db, **plan)  # type: ignore[arg-type]
        for telegram_id in telegram_ids:
            await make_candidate(db, telegram_id, plan_id)
    finally:
        await db.dispose()
    clock = FakeClock()
    install_clock(bot, clock)
    return clock


async def answer_key(database_url: str) -> dict[str, frozenset[str]]:
    """Each stem's correct option texts, read from the test database."""
    db = Database(database_url)
    try:
        return await correct_answers(db)
    finally:
        await db.dispose()
