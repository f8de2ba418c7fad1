"""The 联系地址 step refuses what could not be posted to, says why with an example, and asks again."""

from __future__ import annotations

from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import answer, fill_until_address, reply_to


async def test_a_single_latin_word_or_a_bare_city_is_refused_with_an_example(bot: BotHarness) -> None:
    user = bot.user(3201, "张三")
    question = await fill_until_address(user, 21)
    assert "8–120 字" in question.content and "安徽省合肥市蜀山区黄山路 100 号" in question.content
    refused = await reply_to(user, "Hefei")
    assert (
        "不像中国境内的通信地址" in refused.content
        and "例如：安徽省合肥市蜀山区黄山路 100 号" in refused.content
    )
    refused = await reply_to(user, "安徽省合肥市")
    assert "还缺街道门牌" in refused.content
    question = await answer(user, "安徽省合肥市蜀山区黄山路 100 号")
    assert "人员身份" in question.content
