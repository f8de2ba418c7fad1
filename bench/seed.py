"""Rows a journey needs before the bot starts: plans, course and bank, approved candidates with study credit.

A bot in its own process cannot have its clock moved, so the 180 minutes of study are written as
finished study sessions; the candidate fills a profile, registers for an open plan, sits a quiz on the other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from core.db import Database
from core.db.models import (
    Consent,
    Institution,
    KnownCertificate,
    Photo,
    Plan,
    Profile,
    Registration,
    StudySession,
    User,
)
from core.notices import broadcast
from core.notices.audiences import Audience
from core.notices.broadcast import Queued
from core.people.users import TelegramIdentity
from core.profile.consent import KINDS as CONSENT_KINDS
from core.profile.consent import NOTICE_VERSION
from core.profile.identity import make_resident_id, make_uscc
from core.quiz.bank import store_blueprint
from core.quiz.samples import seed_sample_content
from core.rules import Blueprint, BlueprintItem, QuestionType
from core.study.course import plan_modules

FIRST_TELEGRAM_ID = 7_000_000
STAFF_ID = 6_999_999
INSTITUTION = "中国电信股份有限公司安徽分公司"
REGISTRATION_PLAN = "2026110000000001"
REGISTRATION_PLAN_LABEL = f"{REGISTRATION_PLAN} 技能人才评价考评员培训（报名）"
QUIZ_PLAN = "2026100000000002"
NAME = "张三"
POLICY = "政策法规与职业道德"
METHODS = "考评要点、方法和技巧"
# A ten-question paper (the sample paper is longer): ten answers per attempt keep runs minutes long.
PAPER = Blueprint(
    (
        BlueprintItem(QuestionType.SINGLE, POLICY, 4, 10),
        BlueprintItem(QuestionType.MULTIPLE, METHODS, 3, 10),
        BlueprintItem(QuestionType.TRUE_FALSE, POLICY, 3, 10),
    )
)
CHUNK = 1000
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Seeded:
    """Ids of the seeded candidates, in order, and what approving them needs."""

    telegram_ids: list[int]
    quiz_plan_id: int
    module_minutes: tuple[tuple[int, int], ...]


def id_number_for(n: int) -> str:
    """A valid resident ID number, distinct for each candidate number."""
    return make_resident_id("340104", date(1960, 1, 1) + timedelta(days=n), seq=123)


def certificate_number_for(telegram_id: int) -> str:
    """The registry certificate each candidate enters (so no proof upload is needed)."""
    return f"S{telegram_id:010d}"


async def add_quiz_plan(
    db: Database,
    plan_no: str,
    *,
    paper: Blueprint = PAPER,
    time_limit_minutes: int = 60,
    tz: ZoneInfo = SHANGHAI,
) -> tuple[int, tuple[tuple[int, int], ...]]:
    """A plan in its study window with the sample course and a paper; its id and (module, minutes)."""
    today = datetime.now(tz).date()
    async with db.uow() as uow:
        session = uow.session
        quiz_plan = Plan(
            plan_no=plan_no,
            name="技能人才评价考评员培训（学习）",
            occupations=["电工"],
            registration_start=today - timedelta(days=30),
            registration_end=today - timedelta(days=20),
            study_start=today - timedelta(days=3),
            study_end=today + timedelta(days=25),
            quiz_time_limit_minutes=time_limit_minutes,
        )
        session.add(quiz_plan)
        await session.flush()
        await seed_sample_content(session, quiz_plan.id)
        await session.flush()
        await store_blueprint(session, quiz_plan.id, paper)
        module_minutes = tuple((m.id, m.minutes) for m in await plan_modules(session, quiz_plan.id))
        await uow.commit()
        return quiz_plan.id, module_minutes


async def _plans(db: Database, tz: ZoneInfo) -> None:
    today = datetime.now(tz).date()
    async with db.uow() as uow:
        session = uow.session
        session.add(
            Institution(
                name=INSTITUTION,
                uscc=make_uscc("91340100000000001"),
                kind="central_branch",
                filing_status="filed",
            )
        )
        session.add(
            Plan(
                plan_no=REGISTRATION_PLAN,
                name="技能人才评价考评员培训（报名）",
                occupations=["电工", "焊工"],
                registration_start=today - timedelta(days=3),
                registration_end=today + timedelta(days=14),
                study_start=today + timedelta(days=20),
                study_end=today + timedelta(days=40),
            )
        )
        await uow.commit()


async def seed(
    database_url: str, candidates: int, tz: ZoneInfo = SHANGHAI, *, paper: Blueprint = PAPER
) -> Seeded:
    """Plans and content, then `candidates` users who wrote to the bot and whose certificate is known."""
    db = Database(database_url)
    try:
        await _plans(db, tz)
        plan_id, module_minutes = await add_quiz_plan(db, QUIZ_PLAN, paper=paper, tz=tz)
        ids = [FIRST_TELEGRAM_ID + n for n in range(candidates)]
        for start in range(0, candidates, CHUNK):
            chunk = ids[start : start + CHUNK]
            async with db.uow() as uow:
                session = uow.session
                await session.execute(
                    insert(User), [{"telegram_id": t, "first_name": f"考生{t}"} for t in chunk]
                )
                await session.execute(
                    insert(KnownCertificate),
                    [
                        {
                            "name": NAME,
                            "id_number": id_number_for(t - FIRST_TELEGRAM_ID),
                            "occupation": "电工",
                            "number": certificate_number_for(t),
                            "level": "三级/高级工",
                        }
                        for t in chunk
                    ],
                )
                await uow.commit()
        return Seeded(ids, plan_id, module_minutes)
    finally:
        await db.dispose()


async def approve_with_study(db: Database, seeded: Seeded, telegram_ids: list[int]) -> None:
    """As staff approving and the candidate studying 180 minutes: an approved registration with its credit."""
    finished = datetime.now(UTC) - timedelta(hours=4)
    async with db.uow() as uow:
        session = uow.session
        users = await session.execute(select(User.id).where(User.telegram_id.in_(telegram_ids)))
        user_ids = [row.id for row in users.all()]
        regs = await session.execute(
            insert(Registration).returning(Registration.id),
            [
                {
                    "user_id": u,
                    "plan_id": seeded.quiz_plan_id,
                    "occupation": "电工",
                    "status": "approved",
                    "pledge_confirmed": True,
                    "submitted_at": finished,
                    "decided_at": finished,
                }
                for u in user_ids
            ],
        )
        await session.execute(
            insert(StudySession),
            [
                {
                    "registration_id": r,
                    "module_id": m,
                    "opened_at": finished,
                    "closed_at": finished,
                    "outcome": "finished",
                    "credited_seconds": minutes * 60,
                }
                for r in [row.id for row in regs.all()]
                for m, minutes in seeded.module_minutes
            ],
        )
        await uow.commit()


async def fill_profiles(db: Database, telegram_ids: list[int]) -> None:
    """As if these candidates had filled in 个人信息 in the bot: consents, profile and photo."""
    from bench.images import portrait

    photo = portrait()
    async with db.uow() as uow:
        session = uow.session
        institution = await session.scalar(select(Institution.id).where(Institution.name == INSTITUTION))
        users = (
            await session.execute(select(User.id, User.telegram_id).where(User.telegram_id.in_(telegram_ids)))
        ).all()
        await session.execute(
            insert(Consent),
            [{"user_id": u, "kind": k, "version": NOTICE_VERSION} for u, _ in users for k in CONSENT_KINDS],
        )
        await session.execute(
            insert(Profile),
            [
                {
                    "user_id": u,
                    "id_type": "居民身份证(中国大陆)",
                    "id_number": id_number_for(t - FIRST_TELEGRAM_ID),
                    "name": NAME,
                    "gender": "男",
                    "birth_date": date(1960, 1, 1) + timedelta(days=t - FIRST_TELEGRAM_ID),
                    "education": "大学本科",
                    "mobile": f"138{t - FIRST_TELEGRAM_ID:08d}",
                    "email": f"c{t - FIRST_TELEGRAM_ID}@example.com",
                    "postcode": "230001",
                    "region": "省直",
                    "category": "企业职工",
                    "address": "合肥市蜀山区长江西路 100 号",
                    "identity_flags": [],
                    "institution_id": institution,
                }
                for u, t in users
            ],
        )
        await session.execute(
            insert(Photo),
            [
                {
                    "user_id": u,
                    "data": photo,
                    "mime_type": "image/jpeg",
                    "width": 300,
                    "height": 400,
                    "sha256": hashlib.sha256(photo).hexdigest(),
                }
                for u, _ in users
            ],
        )
        await uow.commit()


async def broadcast_to_all(db: Database, text: str, *, staff_id: int = STAFF_ID) -> Queued:
    """Staff, at their desk in another process, send a notice to everyone through the outbox."""
    who = TelegramIdentity(staff_id, "工作人员")
    staff = frozenset({staff_id})
    await broadcast.start(db, who, staff)
    await broadcast.compose(db, who, staff, text)
    await broadcast.choose_audience(db, who, staff, Audience("all"))
    return await broadcast.confirm(db, who, staff, datetime.now(UTC))
