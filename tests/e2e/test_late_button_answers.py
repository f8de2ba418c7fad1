"""A button press the bot gets to after Telegram's answer window still takes effect and is replied to."""

from __future__ import annotations

from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import RESIDENT, open_profile


async def test_a_press_answered_too_late_is_still_carried_out(bot: BotHarness) -> None:
    user = bot.user(3201, "赵六")
    await open_profile(user)

    bot.emulator.callback_query_ttl = 0.0  # every answer arrives after the window, as under a long queue
    answer = await user.press(RESIDENT, timeout=0.5)
    assert answer is not None and not answer.answered
    saved = (await user.next_message()).content
    assert "已保存" in saved and "证件号码" in saved
    await user.expect_silence(0.3)


async def test_an_alert_that_can_no_longer_be_shown_comes_as_a_message(bot: BotHarness) -> None:
    user = bot.user(3202, "钱七")
    question = await open_profile(user)
    await user.press(RESIDENT)
    await user.next_message()

    bot.emulator.callback_query_ttl = 0.0
    await user.press(RESIDENT, message_id=question.message_id, timeout=0.5)  # answered already: stale
    assert "失效" in (await user.next_message()).content
    await user.expect_silence(0.3)
