"""The 个人信息处理告知 in the chat: shown before the first question, and declining stores nothing."""

from __future__ import annotations

from sqlalchemy import select

from core.db import Database
from core.db.models import Consent, Profile
from tests.e2e.factories import resident_id_for
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import RESIDENT, give_consent, pick


async def held(database_url: str) -> tuple[list[str | None], int]:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            numbers = list(await uow.session.scalars(select(Profile.id_number)))
            agreements = len((await uow.session.scalars(select(Consent.id))).all())
            return numbers, agreements
    finally:
        await db.dispose()


async def test_typing_before_agreeing_is_refused_and_declining_is_explained(
    bot: BotHarness, database_url: str
) -> None:
    user = bot.user(7101, "张三")
    await user.send_text("个人信息")
    notice = await user.next_message()
    for fragment in ("个人信息处理告知", "安徽省职业技能鉴定中心", "180 天", "联络人员", "我的数据"):
        assert fragment in notice.content, fragment
    assert notice.button_labels() == ["同意并继续", "不同意"]
    await user.send_text(resident_id_for(71))
    refused = await user.next_message()
    assert "没有保存" in refused.content and "同意" in refused.content
    await user.press("不同意", message_id=notice.message_id)
    declined = await user.next_message()
    assert "不会保存您的任何个人信息" in declined.content and "重新阅读并同意" in declined.content
    assert await held(database_url) == ([None], 0)

    await user.send_text("个人信息")
    await give_consent(user)
    await user.next_message()  # intro
    assert "证件类型" in (await user.next_message()).content
    question = await pick(user, RESIDENT)
    assert "证件号码" in question.content
    assert await held(database_url) == ([None], 2)
