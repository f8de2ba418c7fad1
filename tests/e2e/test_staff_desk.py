"""Staff at the desk: open it, import the registry, invite a liaison, review, and see the audit log."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db import Database
from core.db.models import Institution
from tests.e2e.factories import (
    CERTIFICATE_HEADER,
    csv_bytes,
    institution_rows,
    make_candidate,
    make_institution,
    message_containing,
    xlsx_bytes,
)
from tests.e2e.harness import BotHarness

DESK_BUTTONS = ["审核队列", "机构名录", "证书库", "邀请联络人", "花名册", "操作日志"]


async def test_staff_open_the_desk_with_its_six_doors(bot: BotHarness) -> None:
    staff = bot.staff()
    await staff.send_command("/staff")
    desk = await staff.next_message()
    assert "鉴定中心工作台" in (desk.text or "")
    assert desk.buttons == DESK_BUTTONS


async def test_staff_import_the_institution_registry_by_sending_a_file(
    bot: BotHarness, database_url: str
) -> None:
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("机构名录")
    assert "机构名录还是空的" in ((await staff.next_message()).text or "")
    await staff.press("导入名录")
    assert "请发送机构名录文件" in ((await staff.next_message()).text or "")
    await staff.send_document(xlsx_bytes(institution_rows()), "名录.xlsx", "application/vnd.ms-excel")
    done = (await staff.next_message()).text or ""
    assert "机构名录导入完成" in done and "新增 3 条" in done
    await staff.press("机构名录")
    listing = (await staff.next_message()).text or ""
    assert "安徽建工集团股份有限公司" in listing and "会员单位（安徽省建筑业协会）" in listing


async def test_an_invalid_file_is_explained_by_row_and_nothing_is_imported(
    bot: BotHarness, database_url: str
) -> None:
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("机构名录")
    await staff.next_message()
    await staff.press("导入名录")
    await staff.next_message()
    rows = institution_rows()
    rows[2][2] = "私营企业"
    await staff.send_document(csv_bytes(rows), "名录.csv", "text/csv")
    text = (await staff.next_message()).text or ""
    assert "第3行" in text or "第 3 行" in text, text
    assert "类型" in text
    await staff.send_document(b"%PDF-1.4\x00 not a table", "名录.xlsx", "application/pdf")
    assert (await staff.next_message()).text
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(Institution)) == 0
    finally:
        await db.dispose()
    # the flow stays open: the corrected file is accepted
    await staff.send_document(csv_bytes(institution_rows()), "名录.csv", "text/csv")
    assert "新增 3 条" in ((await staff.next_message()).text or "")


async def test_the_audit_log_shows_decisions(bot: BotHarness, database_url: str) -> None:
    db = Database(database_url)
    try:
        institution = await make_institution(db)
        candidate = await make_candidate(db, 7101, institution, name="周七")
    finally:
        await db.dispose()
    assert candidate.registration_id
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("审核队列")
    item = await staff.next_message()
    while "待审核报名" not in (item.text or ""):
        item = await staff.next_message()
    await staff.press("✅ 审核通过", message_id=item.message_id)
    assert "已通过 周七 的报名" in ((await staff.next_message()).text or "")
    assert "审核队列是空的" in ((await staff.next_message()).text or "")
    await staff.send_command("/audit", "周七")
    log = (await staff.next_message()).text or ""
    assert "审核通过" in log and "周七" in log


async def test_staff_page_through_the_queue(bot: BotHarness, database_url: str) -> None:
    db = Database(database_url)
    try:
        institution = await make_institution(db)
        await make_candidate(db, 7201, institution, name="吴一", with_photo=False, with_proof=False)
        await make_candidate(db, 7202, institution, name="郑二", with_photo=False, with_proof=False)
    finally:
        await db.dispose()
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("审核队列")
    first = await staff.next_message()
    assert "待审核报名 1/2" in first.content and "吴一" in first.content
    assert "上一页" not in first.buttons
    await staff.press("下一页", message_id=first.message_id)
    second = await staff.next_message()
    assert "待审核报名 2/2" in second.content and "郑二" in second.content
    assert "下一页" not in second.buttons
    await staff.press("上一页", message_id=second.message_id)
    assert "吴一" in (await staff.next_message()).content


async def test_staff_add_and_remove_a_colleague_who_then_can_and_cannot_open_the_desk(
    bot: BotHarness,
) -> None:
    staff = bot.staff()
    colleague = bot.user(7301, "新同事")
    await colleague.send_command("/staff")
    assert "仅限鉴定中心工作人员" in (await colleague.next_message()).content
    await staff.send_command("/addstaff", "7301 新同事")
    assert "已添加工作人员 新同事（7301）" in (await staff.next_message()).content
    await colleague.send_command("/staff")
    assert "鉴定中心工作台" in (await colleague.next_message()).content
    await staff.send_command("/stafflist")
    assert "新同事（7301）" in (await staff.next_message()).content
    await staff.send_command("/addstaff", "abc")
    assert "用法" in (await staff.next_message()).content
    await staff.send_command("/removestaff", "7301")
    assert "已移除" in (await staff.next_message()).content
    await colleague.send_command("/staff")
    assert "仅限鉴定中心工作人员" in (await colleague.next_message()).content


async def test_staff_import_the_certificate_registry_and_matching_certificates_are_verified(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        candidate = await make_candidate(db, 7401, await make_institution(db), certificate_number="S74010001")
    finally:
        await db.dispose()
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("证书库")
    assert "已导入证书：0 条" in (await staff.next_message()).content
    await staff.press("导入证书库")
    assert "请发送证书库文件" in (await staff.next_message()).content
    rows = [CERTIFICATE_HEADER, [candidate.name, candidate.id_number, "S74010001", "电工", "三级/高级工"]]
    await staff.send_document(xlsx_bytes(rows), "证书库.xlsx", "application/octet-stream")
    done = (await staff.next_message()).content
    assert "证书库导入完成" in done and "新增 1 条" in done and "自动核验考生证书 1 份" in done
    await staff.press("审核队列")
    item = await message_containing(staff, "待审核报名")
    assert "系统已核验" in item.content


async def test_staff_filter_the_roster_and_download_it_with_full_numbers(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        mine = await make_institution(db, name="甲机构")
        other = await make_institution(db, name="乙机构")
        one = await make_candidate(db, 7501, mine, name="冯一", status="draft")
        await make_candidate(db, 7502, other, name="陈二")
    finally:
        await db.dispose()
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("花名册")
    everyone = await staff.next_message()
    assert "花名册：全部机构" in everyone.content and "共 2 人" in everyone.content
    await staff.press("按机构筛选", message_id=everyone.message_id)
    await staff.press("甲机构", message_id=(await staff.next_message()).message_id)
    filtered = await staff.next_message()
    assert "花名册：甲机构" in filtered.content and "共 1 人" in filtered.content
    assert "冯一" in filtered.content and "陈二" not in filtered.content
    await staff.press("下载 Excel", message_id=filtered.message_id)
    document = (await staff.next_message()).document
    assert document is not None
    rows = list(load_workbook(io.BytesIO(document.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:3] == ("冯一", one.id_number, one.mobile)
