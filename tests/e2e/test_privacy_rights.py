"""我的数据 through the bot: see (masked), export (Excel, photo, proofs), ask for erasure; staff erase it."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from core.db import Database
from core.db.models import AuditEntry, Photo, Profile
from tests.e2e.factories import PNG_1X1, make_candidate, message_containing
from tests.e2e.harness import BotHarness


async def test_a_person_exports_their_data_asks_for_erasure_and_staff_erase_it(
    bot: BotHarness, database_url: str
) -> None:
    proof = bot.emulator.files.add(b"%PDF-1.4 scan %%EOF", "documents", "证书扫描件.pdf", "application/pdf")
    db = Database(database_url)
    try:
        me = await make_candidate(db, 6101, None, name="王芳", proof_file_id=proof.file_id)
    finally:
        await db.dispose()
    person, staff = bot.user(6101, "王芳", started=True), bot.staff()

    await person.send_text("我的数据")
    card = await person.next_message()
    assert "我的数据" in card.content and me.id_number not in card.content and me.mobile not in card.content
    assert me.id_number[:3] + "*" * 11 + me.id_number[-4:] in card.content and "照片：有" in card.content
    await person.press("导出我的数据", message_id=card.message_id)
    sheet = await person.next_message()
    assert sheet.document is not None and sheet.document.file_name == "我的数据.xlsx"
    rows = list(load_workbook(io.BytesIO(sheet.document.data)).worksheets[0].iter_rows(values_only=True))
    assert ("个人信息", "证件号码", me.id_number) in rows and ("个人信息", "手机号码", me.mobile) in rows
    photo = await person.next_message()
    assert photo.document is not None and photo.document.data == PNG_1X1
    scan = await person.next_message()
    assert scan.document is not None and scan.document.data == b"%PDF-1.4 scan %%EOF"
    assert "2 个文件" in (await person.next_message()).content

    await person.press("申请删除我的数据", message_id=card.message_id)
    confirm = await person.next_message()
    assert "保留打码的姓名" in confirm.content
    await person.press("确认申请删除", message_id=confirm.message_id)
    assert "删除申请（#1）已提交" in (await person.next_message()).content

    await staff.send_text("/privacy")
    waiting = await staff.next_message()
    assert "删除申请已提交" in waiting.content and "王*" in waiting.content
    assert me.id_number not in waiting.content
    await staff.press("删除数据", message_id=waiting.message_id)
    check = await staff.next_message()
    assert "不可恢复" in check.content
    await staff.press("确认删除（不可恢复）", message_id=check.message_id)
    assert "已删除：照片 1 张、佐证材料 1 份" in (await message_containing(staff, "已删除")).content
    assert "已按申请删除" in (await person.next_message()).content

    db = Database(database_url)
    try:
        async with db.uow() as uow:
            assert (await uow.session.scalars(select(Profile.id))).all() == []
            assert (await uow.session.scalars(select(Photo.id))).all() == []
            actions = list(await uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["privacy.export", "privacy.erasure_request", "privacy.erase"]
    finally:
        await db.dispose()

    await person.send_text("我的数据")
    after = await person.next_message()
    assert me.id_number[-4:] not in after.content and "照片：无" in after.content


async def test_the_running_bot_has_the_nightly_retention_pass_armed(bot: BotHarness) -> None:
    from scheduler.retention import JOB_ID, run_retention

    services = bot.running.bot_data
    assert services.scheduler is not None
    job = services.scheduler.get_job(JOB_ID)
    assert job is not None and "hour='3'" in str(job.trigger) and "minute='30'" in str(job.trigger)
    assert await run_retention(services) == []
