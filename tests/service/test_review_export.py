"""The 审核名单 export: one row per application with status, reason, reviewer and time, header row first."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from core.db import Database
from core.db.models import Registration, StaffMember
from core.errors import NotAllowed
from core.people.users import TelegramIdentity
from core.review import service as review
from core.review.export import export_review_list, plans_to_export
from tests.e2e.offline_factories import STAFF, STAFF_ID, STAFF_IDS, make_candidate, make_plan

HEADER = (
    "序号",
    "姓名",
    "证件号码",
    "工作单位",
    "申报职业",
    "审核状态",
    "退回原因",
    "审核人",
    "审核时间",
    "提交时间",
)


async def _applications(db: Database) -> int:
    plan = await make_plan(db)
    ids = [await make_candidate(db, 1001 + i, name, plan) for i, name in enumerate(("张三", "李四", "王五"))]
    draft = await make_candidate(db, 1004, "赵六", plan)
    async with db.uow() as uow:
        await uow.session.execute(
            update(Registration).where(Registration.id.in_(ids)).values(status="submitted", decided_at=None)
        )
        await uow.session.execute(update(Registration).where(Registration.id == draft).values(status="draft"))
        uow.session.add(StaffMember(telegram_id=STAFF_ID, name="钱审核"))
        await uow.commit()
    await review.approve(db, STAFF, STAFF_IDS, ids[0], 1)
    await review.reject(db, STAFF, STAFF_IDS, ids[1], 1, "证书扫描件不清晰，请重新上传")
    return plan


async def test_the_list_has_status_reason_reviewer_and_time(db: Database) -> None:
    plan = await _applications(db)
    export = await export_review_list(db, STAFF, STAFF_IDS, plan)
    assert export.rows == 3 and export.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(export.xlsx)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"张三", "李四", "王五"}  # the draft is not an application yet
    approved, rejected, waiting = by_name["张三"], by_name["李四"], by_name["王五"]
    assert approved[5] == "审核通过" and approved[7] == "钱审核" and approved[8] is not None
    assert (
        rejected[5] == "已退回" and rejected[6] == "证书扫描件不清晰，请重新上传" and rejected[7] == "钱审核"
    )
    assert waiting[5] == "待审核" and waiting[7] in (None, "") and waiting[8] is None
    assert "*" in approved[2]  # ID numbers are partly hidden


async def test_only_staff_export(db: Database) -> None:
    plan = await make_plan(db)
    with pytest.raises(NotAllowed):
        await export_review_list(db, TelegramIdentity(1001), STAFF_IDS, plan)
    assert [p.id for p in await plans_to_export(db, STAFF, STAFF_IDS)] == [plan]


async def test_a_reason_that_looks_like_a_formula_is_exported_as_quoted_text(db: Database) -> None:
    plan = await make_plan(db)
    registration = await make_candidate(db, 1101, "孙丽", plan)
    async with db.uow() as uow:
        await uow.session.execute(
            update(Registration)
            .where(Registration.id == registration)
            .values(status="submitted", decided_at=None)
        )
        await uow.commit()
    typed = '=HYPERLINK("http://evil.example","点我查看")'
    await review.reject(db, STAFF, STAFF_IDS, registration, 1, typed)
    export = await export_review_list(db, STAFF, STAFF_IDS, plan)
    sheet = load_workbook(io.BytesIO(export.xlsx)).active
    assert sheet is not None
    reason = sheet.cell(row=2, column=HEADER.index("退回原因") + 1)
    assert reason.value == typed and reason.data_type == "s"
    assert reason.quotePrefix and reason.number_format == "@"
    name = sheet.cell(row=2, column=HEADER.index("姓名") + 1)
    assert name.value == "孙丽" and name.data_type == "s" and not name.quotePrefix
