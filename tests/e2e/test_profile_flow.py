"""个人信息 through the emulator: every answer saved at once, keyboards for lists, resume after /cancel and
after a restart, the summary with edit buttons, and the one-ID-per-account rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import Photo, Profile, User
from tests.e2e.factories import make_institution, resident_id_for
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import RESIDENT, answer, fill_required, jpeg, open_profile, pick, reply_to

pytestmark = pytest.mark.webhook  # also run with the bot in webhook mode


async def profile_of(database_url: str, telegram_id: int) -> Profile | None:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            row = await uow.session.scalar(
                select(Profile).join(User, User.id == Profile.user_id).where(User.telegram_id == telegram_id)
            )
            if row is not None:
                uow.session.expunge(row)
            return row
    finally:
        await db.dispose()


async def test_a_candidate_fills_the_profile_and_confirms_the_summary(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        telecom = await make_institution(db, "中国电信股份有限公司安徽分公司")
    finally:
        await db.dispose()
    user = bot.user(3001, "张三")
    question = await fill_required(user, 1)
    assert "人员身份" in question.content
    await user.press("农民工")
    await user.press("其他")
    await user.press("选好了")
    question = await user.next_message()
    assert "已保存「人员身份」：农民工、其他" in question.content and "工作单位" in question.content
    found = await reply_to(user, "电信")
    assert "中国电信股份有限公司安徽分公司" in found.buttons[0]
    question = await pick(user, "中国电信股份有限公司安徽分公司")
    assert "参加工作时间" in question.content
    question = await answer(user, "2008-07")
    assert "照片" in question.content
    await user.send_photo(jpeg())
    summary = await user.next_message()
    assert "照片已上传" in summary.content and "个人信息核对" in summary.content
    assert "出生日期：1970-01-02" in summary.content and "性别：男" in summary.content
    assert "人员身份：农民工、其他" in summary.content
    labels = [label for row in summary.buttons for label in row]
    assert "修改出生日期" not in labels and "修改性别" not in labels  # derived from the ID number
    await user.press("确认无误")
    assert "个人信息已确认保存" in (await user.next_message()).content

    saved = await profile_of(database_url, 3001)
    assert saved is not None
    assert saved.id_number == resident_id_for(1, 1001)
    assert saved.identity_flags == ["农民工", "其他"]
    assert saved.institution_id == telecom
    assert saved.work_started_on is not None and saved.work_started_on.isoformat() == "2008-07-01"


async def test_cancel_keeps_answers_and_coming_back_resumes_at_the_first_missing_field(
    bot: BotHarness, database_url: str
) -> None:
    user = bot.user(3002, "李四")
    await open_profile(user)
    await pick(user, RESIDENT)
    await answer(user, resident_id_for(2, 7))
    await user.send_command("/cancel")
    assert "已经填写保存的内容不会丢失" in (await user.next_message()).content
    await user.send_text("个人信息")
    resumed = await user.next_message()
    assert "欢迎回来" in resumed.content and "姓名" in resumed.content


async def test_a_restart_in_the_middle_resumes_at_the_same_field_with_answers_kept(
    bot: BotHarness, database_url: str
) -> None:
    user = bot.user(3003, "王五")
    await open_profile(user)
    await pick(user, RESIDENT)
    question = await answer(user, resident_id_for(3, 9))
    question = await answer(user, "阿依古丽·买买提")
    assert "学历" in question.content
    await bot.restart()
    # the answer after the restart goes to the same field
    question = await pick(user, "硕士研究生")
    assert "手机号码" in question.content
    saved = await profile_of(database_url, 3003)
    assert saved is not None and saved.name == "阿依古丽·买买提" and saved.education == "硕士研究生"


async def test_a_second_account_cannot_take_an_id_number_and_learns_nothing(
    bot: BotHarness, database_url: str
) -> None:
    first = bot.user(3004, "赵六")
    number = resident_id_for(4, 11)
    await open_profile(first)
    await pick(first, RESIDENT)
    await answer(first, number)
    second = bot.user(3005, "冒名")
    await open_profile(second)
    await pick(second, RESIDENT)
    refused = await reply_to(second, number.lower())
    assert "已在其他账号中登记" in refused.content and "联系" in refused.content
    assert "赵六" not in refused.content
    theirs = await profile_of(database_url, 3005)
    assert theirs is not None and theirs.id_number is None


async def test_a_photo_is_replaced_by_a_new_upload(bot: BotHarness, database_url: str) -> None:
    user = bot.user(3006, "孙七")
    question = await fill_required(user, 6)
    await user.press("选好了")
    await user.next_message()
    await user.press("跳过")
    await user.next_message()
    await user.press("跳过")
    assert "照片" in (await user.next_message()).content
    await user.send_document(jpeg(300, 400), "me.jpg", "image/jpeg")
    summary = await user.next_message()
    assert "照片已上传" in summary.content
    await user.press("上传照片", message_id=summary.message_id)
    await user.next_message()
    await user.send_photo(jpeg(240, 320))
    assert "照片已上传" in (await user.next_message()).content
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            photos = [(p.width, p.height) for p in (await uow.session.scalars(select(Photo))).all()]
    finally:
        await db.dispose()
    assert photos == [(240, 320)]
    assert question is not None
