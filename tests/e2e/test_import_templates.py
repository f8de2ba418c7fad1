"""Every import's Excel template, downloaded from the bot, imports back as it is; a broken row is refused
with its row and column, and nothing is applied."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db import Database
from core.db.models import (
    BankQuestion,
    BlueprintEntry,
    CourseModule,
    ExamResult,
    Institution,
    KnownCertificate,
    Plan,
)
from core.offline.batches import assign
from core.offline.tickets import check_in, open_checkin
from emulator import EmulatedUser
from tests.e2e import offline_factories as offline
from tests.e2e.harness import BotHarness
from tests.e2e.study_factories import make_plan

PLAN_NO = "2026120000000019"
SLOW = 15.0  # an upload is downloaded and checked whole; a passed result also renders its certificate
TITLES = {
    "institutions": "机构名录",
    "certificates": "证书库",
    "plan": "考评计划",
    "course": "课程",
    "questions": "题库",
    "blueprint": "组卷方案",
    "results": "资格考试成绩",
}
DONE = {
    "institutions": "机构名录导入完成",
    "certificates": "证书库导入完成",
    "plan": "考评计划导入完成：新增 1 个（2020120000000019）",
    "course": "课程已导入：新增 1 个单元",
    "questions": "题库已导入：新增 1 题",
    "blueprint": "组卷方案已生效（共 10 题，100 分）",
    "results": "已登记 1 人的资格考试成绩，其中合格 1 人",
}
MODELS = {
    "institutions": Institution,
    "certificates": KnownCertificate,
    "plan": Plan,
    "course": CourseModule,
    "questions": BankQuestion,
    "blueprint": BlueprintEntry,
    "results": ExamResult,
}


async def download(staff: EmulatedUser, kind: str) -> bytes:
    """/templates, then the kind's button: the bot sends the workbook."""
    await staff.send_command("/templates")
    menu = await staff.next_message()
    assert len(menu.buttons) == 7, menu.buttons
    await staff.press(f"下载模板：{TITLES[kind]}")
    sent = await staff.next_message()
    assert sent.document is not None and sent.document.file_name == f"{TITLES[kind]}导入模板.xlsx"
    return sent.document.data


async def open_desk_import(staff: EmulatedUser, kind: str) -> None:
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("机构名录" if kind == "institutions" else "证书库")
    await staff.next_message()
    await staff.press("导入名录" if kind == "institutions" else "导入证书库")
    assert any(b.startswith("下载模板") for b in (await staff.next_message()).buttons)


async def open_plan_import(staff: EmulatedUser, kind: str) -> None:
    command = {"course": "/import_course", "questions": "/import_questions", "blueprint": "/import_blueprint"}
    await staff.send_command(command[kind])
    menu = await staff.next_message()
    await staff.press(next(b for b in menu.buttons if b.startswith(PLAN_NO)))
    await staff.next_message()


async def open_plans_import(staff: EmulatedUser, kind: str) -> None:
    await staff.send_command("/import_plans")
    assert any(b.startswith("下载模板") for b in (await staff.next_message()).buttons)


async def open_results_import(staff: EmulatedUser, kind: str) -> None:
    await staff.send_command("/results_import")
    assert any(b.startswith("下载模板") for b in (await staff.next_message()).buttons)


async def seated_and_checked_in(db: Database) -> None:
    """One candidate seated in batch 01 seat 1 of plan …000019 and checked in: ticket 000019-01-0001-0."""
    plan = await offline.make_plan(db)
    await offline.make_candidate(db, 1001, "张三", plan)
    batch = await offline.seated_batch(db, plan)
    await assign(db, offline.STAFF, offline.STAFF_IDS, batch)
    await open_checkin(db, offline.STAFF, offline.STAFF_IDS, batch)
    await check_in(db, offline.STAFF, offline.STAFF_IDS, await offline.ticket_of(db, 1001), offline.TZ)


async def prepare(db: Database, kind: str) -> None:
    if kind in ("course", "questions"):
        await make_plan(db, with_content=False)
    elif kind == "blueprint":
        await make_plan(db)
    elif kind == "results":
        await seated_and_checked_in(db)


OPENERS: dict[str, Callable[[EmulatedUser, str], Awaitable[None]]] = {
    "institutions": open_desk_import,
    "certificates": open_desk_import,
    "plan": open_plans_import,
    "course": open_plan_import,
    "questions": open_plan_import,
    "blueprint": open_plan_import,
    "results": open_results_import,
}


async def count(db: Database, kind: str) -> int:
    async with db.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(MODELS[kind])) or 0)


def first_cell_cleared(template: bytes) -> tuple[bytes, str]:
    """The template with the example row's first cell emptied, and that column's header as read."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    header = str(sheet.cell(1, 1).value).rstrip("*")
    sheet.cell(2, 1).value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), header


@pytest.mark.parametrize("kind", list(TITLES))
async def test_a_template_from_the_bot_imports_back_and_a_broken_row_is_refused(
    bot: BotHarness, database_url: str, kind: str
) -> None:
    db = Database(database_url)
    try:
        await prepare(db, kind)
        before = await count(db, kind)
        staff = bot.staff()
        template = await download(staff, kind)
        guide = load_workbook(io.BytesIO(template)).worksheets[1]
        assert guide.title == "说明" and guide.cell(3, 3).value == "填写规则"
        broken, header = first_cell_cleared(template)
        await OPENERS[kind](staff, kind)
        await staff.send_document(broken, "模板.xlsx", "application/vnd.ms-excel")
        refusal = (await staff.next_message(timeout=SLOW)).text or ""
        assert f"第 2 行「{header}」" in refusal, refusal
        assert await count(db, kind) == before
        await staff.send_document(template, "模板.xlsx", "application/vnd.ms-excel")
        done = (await staff.next_message(timeout=SLOW)).text or ""
        assert DONE[kind] in done, done
        assert await count(db, kind) == (1 if kind == "blueprint" else before + 1)
    finally:
        await db.dispose()
