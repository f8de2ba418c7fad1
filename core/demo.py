"""Demo data for the local sandbox, seeded once: a plan open today, institutions, batches."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import Database
from core.db.models import Batch, Institution, Plan
from core.study_content import seed_sample_content

DEMO_PLAN_NO = "2026120000000019"

DEMO_INSTITUTIONS: tuple[tuple[str, str, str, str | None, str], ...] = (
    # name, USCC, kind, parent name, filing status
    ("中国电信股份有限公司安徽分公司", "91340000705044358A", "central_branch", None, "filed"),
    ("安徽省建筑业协会", "51340000MJ0000069H", "provincial_org", None, "filed"),
    ("安徽建工集团股份有限公司", "913400001489701015", "member_unit", "安徽省建筑业协会", "to_be_filed"),
)


def _demo_dates(today: date) -> tuple[date, date, date, date]:
    """Place the windows around today so every step can be tried in the sandbox."""
    return (
        today - timedelta(days=3),
        today + timedelta(days=14),
        today - timedelta(days=3),
        today + timedelta(days=25),
    )


async def seed_demo(db: Database, tz: ZoneInfo) -> bool:
    """Insert the demo plan and institutions unless a previous run already did; return whether it seeded."""
    today = datetime.now(tz).date()
    async with db.uow() as uow:
        session = uow.session
        if await session.scalar(select(Plan.id).where(Plan.plan_no == DEMO_PLAN_NO)) is not None:
            return False
        reg_start, reg_end, study_start, study_end = _demo_dates(today)
        plan = Plan(
            plan_no=DEMO_PLAN_NO,
            name=f"{today.year}年技能人才评价考评员培训（体验）",
            occupations=["电工", "焊工", "砌筑工", "信息通信网络运行管理员"],
            registration_start=reg_start,
            registration_end=reg_end,
            study_start=study_start,
            study_end=study_end,
        )
        session.add(plan)
        await session.flush()
        session.add_all(
            [
                Batch(
                    plan_id=plan.id,
                    code="01",
                    name="第一期",
                    day=study_end + timedelta(days=5),
                    start_time="09:00",
                    place="合肥市蜀山区 省职业技能鉴定中心三楼培训室",
                    capacity=60,
                ),
                Batch(
                    plan_id=plan.id,
                    code="02",
                    name="第二期",
                    day=study_end + timedelta(days=12),
                    start_time="09:00",
                    place="合肥市蜀山区 省职业技能鉴定中心三楼培训室",
                    capacity=60,
                ),
            ]
        )
        parents: dict[str, Institution] = {}
        for name, uscc, kind, parent, filing in DEMO_INSTITUTIONS:
            row = Institution(
                name=name,
                uscc=uscc,
                kind=kind,
                filing_status=filing,
                parent_id=parents[parent].id if parent else None,
            )
            session.add(row)
            await session.flush()
            parents[name] = row
        await seed_sample_content(session, plan.id)
        await uow.commit()
    return True
