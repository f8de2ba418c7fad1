"""From the review queue staff download a plan's 审核名单 as Excel and read its header row."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.db import Database
from tests.e2e.factories import make_candidate, make_institution
from tests.e2e.harness import BotHarness
from tests.service.test_review_export import HEADER


async def test_staff_export_the_review_list_from_the_queue(bot: BotHarness, database_url: str) -> None:
    db = Database(database_url)
    try:
        institution = await make_institution(db, name="甲机构")
        await make_candidate(db, 7601, institution, name="冯一")
    finally:
        await db.dispose()
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("审核队列")
    while "导出审核名单" not in (item := await staff.next_message()).buttons:
        pass  # the photo and proofs come first
    await staff.press("导出审核名单", message_id=item.message_id)
    plans = await staff.next_message()
    assert "请选择要导出审核名单的考评计划" in plans.content and len(plans.buttons) == 1
    await staff.press(plans.buttons[0], message_id=plans.message_id)
    sent = await staff.next_message()
    assert sent.document is not None and sent.document.file_name is not None
    assert sent.document.file_name.startswith("审核名单-") and "共 1 人" in sent.content
    rows = list(load_workbook(io.BytesIO(sent.document.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == HEADER
    assert rows[1][1] == "冯一" and rows[1][3] == "甲机构" and rows[1][5] == "待审核"


async def test_a_candidate_cannot_export_it(bot: BotHarness) -> None:
    candidate = bot.user(1001, "张三")
    await candidate.send_command("/review_export")
    assert "仅限鉴定中心工作人员" in (await candidate.next_message()).content
