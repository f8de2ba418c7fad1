"""Employer search that finds nothing shows how to go on: the registry by kind, or the contacts."""

from __future__ import annotations

import re

from core.db import Database
from tests.e2e.factories import make_institution
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import fill_required, pick, reply_to


async def _registry(database_url: str) -> None:
    db = Database(database_url)
    try:
        await make_institution(db, "中国电信股份有限公司安徽分公司")
        for n in range(10):
            await make_institution(db, f"安徽省第{n}行业评价协会", kind="provincial_org")
        await make_institution(db, "安徽省未备案协会", kind="provincial_org", filing_status="refused")
    finally:
        await db.dispose()


async def test_the_identity_flags_question_names_only_buttons_it_has(bot: BotHarness) -> None:
    user = bot.user(3101, "张三")
    question = await fill_required(user, 11)
    named = re.findall(r"「([^」]+)」", question.content.split("\n\n", 1)[-1])  # after the 已保存 line
    assert named and all(label in question.buttons for label in named), (named, question.buttons)


async def test_nothing_found_offers_the_registry_by_kind_and_the_contacts(
    bot: BotHarness, database_url: str
) -> None:
    await _registry(database_url)
    user = bot.user(3102, "张三")
    await fill_required(user, 12)
    await user.press("选好了")  # none chosen: straight on to the employer
    assert "工作单位" in (await user.next_message()).content
    nothing = await reply_to(user, "不存在的单位")
    assert "没有找到" in nothing.content and "浏览" in nothing.content
    assert nothing.buttons == ["央企驻皖分支机构", "省级行业评价组织", "会员单位", "联系我们", "跳过"]

    await user.press("联系我们")
    contacts = await user.next_message()
    assert "0551-62636637" in contacts.content

    await user.press("省级行业评价组织")
    page = await user.next_message()
    assert "共 10 家" in page.content and "第 1–8 家" in page.content
    assert "安徽省第0行业评价协会" in page.buttons and "下一页" in page.buttons
    assert "安徽省未备案协会" not in page.buttons  # only accepted institutions are listed
    await user.press("下一页")
    second = await user.next_message()
    assert "第 9–10 家" in second.content and "上一页" in second.buttons
    question = await pick(user, "安徽省第9行业评价协会")
    assert "参加工作时间" in question.content
