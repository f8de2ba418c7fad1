"""Demo data for the local sandbox, seeded once through the services staff use: a plan open today, the
institution registry, the shipped course, bank and blueprint, and two offline batches.

Nothing here writes rows itself, so the demo passes every check a staff member's input would.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import Database
from core.db.models import Plan
from core.offline import batches
from core.people.users import TelegramIdentity
from core.plans.service import create_plan, parse_plan_draft
from core.quiz import bank as quiz_bank
from core.review.institutions import import_institutions
from core.study import course

DEMO_PLAN_NO = "2026120000000019"
DEMO_PLACE = "合肥市蜀山区 省职业技能鉴定中心三楼培训室"

DEMO_INSTITUTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    # name, USCC, type, parent name, filing status, as staff type them in the registry file
    ("中国电信股份有限公司安徽分公司", "91340000705044358H", "央企驻皖分支机构", "", "已备案"),
    ("安徽省建筑业协会", "51340000MJ00000692", "省级行业评价组织", "", "已备案"),
    ("安徽建工集团股份有限公司", "91340000148970101K", "会员单位", "安徽省建筑业协会", "拟备案"),
)


def _demo_dates(today: date) -> dict[str, str]:
    """Place the windows around today so every step can be tried in the sandbox."""
    return {
        "registration_start": (today - timedelta(days=3)).isoformat(),
        "registration_end": (today + timedelta(days=14)).isoformat(),
        "study_start": (today - timedelta(days=3)).isoformat(),
        "study_end": (today + timedelta(days=25)).isoformat(),
    }


def _registry_csv() -> bytes:
    header = "机构名称,统一社会信用代码,类型,上级组织,备案状态"
    rows = [",".join(row) for row in DEMO_INSTITUTIONS]
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _content(name: str) -> bytes:
    return resources.files("core.content").joinpath(name).read_bytes()


async def seed_demo(db: Database, tz: ZoneInfo, staff_ids: frozenset[int]) -> bool:
    """Set up the demo programme as the first staff member would, unless a previous run already did."""
    async with db.uow() as uow:
        if await uow.session.scalar(select(Plan.id).where(Plan.plan_no == DEMO_PLAN_NO)) is not None:
            return False
    if not staff_ids:
        raise ValueError("the demo is set up by a staff member; give at least one staff id")
    actor = TelegramIdentity(min(staff_ids), "工作人员")
    today = datetime.now(tz).date()
    draft = parse_plan_draft(
        {
            "plan_no": DEMO_PLAN_NO,
            "name": f"{today.year}年技能人才评价考评员培训（体验）",
            "occupations": "电工、焊工、砌筑工、信息通信网络运行管理员",
            **_demo_dates(today),
        }
    )
    await import_institutions(db, actor, staff_ids, _registry_csv(), "demo_institutions.csv")
    plan = await create_plan(db, actor.telegram_id, staff_ids, draft, tz=tz)
    async with db.uow() as uow:  # the functions /import_course, /import_questions, /import_blueprint apply
        await course.apply_course_file(uow.session, plan.id, _content("course.toml"), "course.toml")
        await quiz_bank.apply_bank_file(
            uow.session, plan.id, _content("question_bank.csv"), "question_bank.csv"
        )
        await quiz_bank.apply_blueprint_file(
            uow.session, plan.id, _content("blueprint.toml"), "blueprint.toml"
        )
        await uow.commit()
    study_end = date.fromisoformat(_demo_dates(today)["study_end"])
    for offset in (5, 12):
        day = (study_end + timedelta(days=offset)).isoformat()
        await batches.create_batch(
            db, actor, staff_ids, [DEMO_PLAN_NO, day, "09:00", "60", DEMO_PLACE], today
        )
    return True
