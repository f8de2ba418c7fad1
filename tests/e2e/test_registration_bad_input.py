"""Bad input to 我的报名 gets a clear answer and changes nothing: certificate fields, files, buttons."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import Database
from core.db.models import Certificate, Dialog, Registration
from emulator import EmulatedUser
from tests.e2e.factories import make_candidate, make_institution, make_plan
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import jpeg, reply_to


async def counts(database_url: str) -> tuple[int, int, str | None]:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            session = uow.session
            certificates = await session.scalar(select(func.count(Certificate.id))) or 0
            registrations = await session.scalar(select(func.count(Registration.id))) or 0
            step = await session.scalar(select(Dialog.step))
            return certificates, registrations, step
    finally:
        await db.dispose()


async def registered(bot: BotHarness, database_url: str, telegram_id: int) -> EmulatedUser:
    db = Database(database_url)
    try:
        institution = await make_institution(db)
        await make_plan(db, "2020120000000019")
        await make_candidate(db, telegram_id, institution, status="draft")
    finally:
        await db.dispose()
    user = bot.user(telegram_id, "考生")
    await user.send_text("我的报名")
    await user.next_message()
    await user.next_message()
    return user


async def test_certificate_fields_refuse_invalid_values(bot: BotHarness, database_url: str) -> None:
    user = await registered(bot, database_url, 6001)
    await user.press("添加证书")
    await user.next_message()
    assert "请点击上方消息中的按钮" in (await reply_to(user, "技能证书")).content
    await user.press("专业技术职务（职称）")
    await user.next_message()
    assert "太长了" in (await reply_to(user, "电" * 4096)).content
    assert "职称级别" in (await reply_to(user, "电气工程")).content
    await user.press("中级")
    await user.next_message()
    await user.send_photo(jpeg())
    assert "这一步需要输入文字" in (await user.next_message()).content
    assert "4–64 位" in (await reply_to(user, "N" * 4096)).content
    assert "U+200B" in (await reply_to(user, "GC-2016\u200b-001")).content
    assert "发证单位" in (await reply_to(user, "GC-2016-001")).content
    assert "发证日期" in (await reply_to(user, "安徽省人力资源和社会保障厅")).content
    assert "不是有效的日期" in (await reply_to(user, "2016-13-01")).content
    assert "不晚于今天" in (await reply_to(user, "2999-01-01")).content
    assert (await counts(database_url))[0] == 1  # the factory's certificate only
    await user.send_text("2016-06-01")
    assert "系统未能自动核验" in (await user.next_message()).content
    await user.next_message()
    assert "这一步需要上传佐证材料" in (await reply_to(user, "我没有扫描件")).content
    assert await counts(database_url) == (2, 1, "proof")


async def test_buttons_of_another_candidate_or_forged_ones_are_stale(
    bot: BotHarness, database_url: str
) -> None:
    user = await registered(bot, database_url, 6002)
    db = Database(database_url)
    try:
        other = await make_candidate(db, 6003, None, status="draft")
        async with db.uow() as uow:
            cert = await uow.session.scalar(
                select(Certificate.id).where(Certificate.registration_id == other.registration_id)
            )
    finally:
        await db.dispose()
    view = user.last_message
    assert view is not None
    for data in (
        f"reg:view:{other.registration_id}",
        f"reg:submit:{other.registration_id}",
        f"reg:del:{cert}",
        f"reg:proof:{cert}",
        f"reg:pok:{other.registration_id}",
        "reg:plan:999",
        "reg:occ:1:9",
        "reg:c:kind:0",
        "reg:pdone",
        "reg:nonsense",
    ):
        answer = await user.press_data(data, view.message_id, timeout=10)
        assert answer is not None and answer.show_alert and "按钮已经失效" in (answer.text or ""), data
    await user.expect_silence(0.1)
    assert await counts(database_url) == (2, 2, None)


async def test_a_submitted_registration_cannot_be_changed(bot: BotHarness, database_url: str) -> None:
    db = Database(database_url)
    try:
        institution = await make_institution(db)
        await make_plan(db, "2020120000000019")
        me = await make_candidate(db, 6004, institution, status="submitted")
    finally:
        await db.dispose()
    user = bot.user(6004, "考生")
    await user.send_text("我的报名")
    view = await user.next_message()
    assert "待审核" in view.content
    labels = [label for row in view.buttons for label in row]
    assert "提交报名" not in labels and "添加证书" not in labels
    await user.next_message()  # the plans list
    await user.press_data(f"reg:cert:{me.registration_id}", view.message_id)
    assert "不能再修改" in (await user.next_message()).content
    await user.press_data(f"reg:submit:{me.registration_id}", view.message_id)
    assert "不能再提交" in (await user.next_message()).content


async def test_a_file_outside_any_upload_step_is_not_taken(bot: BotHarness, database_url: str) -> None:
    user = await registered(bot, database_url, 6005)
    await user.send_document(b"%PDF-1.4\n%%EOF\n", "proof.pdf", "application/pdf")
    assert "现在不需要上传文件" in (await user.next_message()).content
