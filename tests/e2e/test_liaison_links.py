"""Deep links: candidate links pre-fill the employer; expired or unknown codes get a clear answer."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from core.db import Database
from core.db.models import Invitation, Liaison, Profile, User, utcnow
from tests.e2e.factories import make_candidate, make_institution, message_containing, registration_status
from tests.e2e.harness import BotHarness


async def invitation_link(bot: BotHarness, button_label: str) -> str:
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("邀请联络人")
    await staff.press(button_label, message_id=(await staff.next_message()).message_id)
    found = re.search(r"start=((?:inv|join)_\w+)", (await staff.next_message()).content)
    assert found
    return found.group(1)


async def test_a_candidate_link_prefills_the_employer_for_everyone_who_opens_it(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        institution = await make_institution(db, name="安徽省建筑业协会", kind="provincial_org")
        payload = await invitation_link(bot, "考生链接")
        assert payload.startswith("join_")
        for telegram_id in (8301, 8302):
            user = bot.user(telegram_id, "考生")
            await user.send_command("/start", payload)
            assert "工作单位设为「安徽省建筑业协会」" in (await message_containing(user, "工作单位")).content
        async with db.uow() as uow:
            employers = (await uow.session.scalars(select(Profile.institution_id))).all()
        assert employers == [institution, institution]
    finally:
        await db.dispose()


async def test_an_expired_invitation_is_explained_and_changes_nothing(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        await make_institution(db, name="中国电信股份有限公司安徽分公司")
        payload = await invitation_link(bot, "邀请联络人：中国电信股份有限公司安徽分公司")
        async with db.uow() as uow:
            await uow.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
            await uow.commit()
        user = bot.user(8401, "迟到的人")
        await user.send_command("/start", payload)
        assert "已过期" in (await message_containing(user, "链接")).content
        await user.send_command("/start", "inv_00000000000000000000000000")
        assert "链接无效" in (await message_containing(user, "链接")).content
        async with db.uow() as uow:
            assert (await uow.session.scalars(select(Liaison))).all() == []
    finally:
        await db.dispose()


async def test_a_typed_reason_reaches_the_candidate(bot: BotHarness, database_url: str) -> None:
    db = Database(database_url)
    try:
        candidate = await make_candidate(db, 8501, await make_institution(db), name="孙丽", with_photo=False)
        student = bot.user(8501, "孙丽", started=True)
        staff = bot.staff()
        await staff.send_command("/staff")
        await staff.next_message()
        await staff.press("审核队列")
        item = await message_containing(staff, "待审核报名")
        await staff.press("❌ 不通过", message_id=item.message_id)
        await staff.press("自己填写原因", message_id=(await staff.next_message()).message_id)
        assert "请直接发送不通过的原因" in (await staff.next_message()).content
        await staff.send_text("照片背景不是白色，请重新上传近期免冠照片")
        assert "已驳回 孙丽 的报名" in (await message_containing(staff, "已驳回")).content
        assert "照片背景不是白色" in (await student.next_message()).content
        assert candidate.registration_id
        assert (await registration_status(db, candidate.registration_id))[0] == "rejected"
    finally:
        await db.dispose()


async def test_a_candidate_who_blocked_the_bot_is_recorded_and_the_decision_stands(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        candidate = await make_candidate(db, 8601, await make_institution(db), name="周杰", with_photo=False)
        student = bot.user(8601, "周杰", started=True)
        student.block()
        staff = bot.staff()
        await staff.send_command("/staff")
        await staff.next_message()
        await staff.press("审核队列")
        item = await message_containing(staff, "待审核报名")
        await staff.press("✅ 审核通过", message_id=item.message_id)
        assert "通知未能送达" in (await message_containing(staff, "已通过")).content
        assert candidate.registration_id
        assert (await registration_status(db, candidate.registration_id))[0] == "approved"
        async with db.uow() as uow:
            assert await uow.session.scalar(select(User.blocked_bot).where(User.telegram_id == 8601)) is True
    finally:
        await db.dispose()
