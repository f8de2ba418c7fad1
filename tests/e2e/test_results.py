"""成绩查询 lists every attempt; answer sheets with correct answers open only after the window closes."""

from __future__ import annotations

from tests.e2e.harness import BotHarness
from tests.e2e.study_chat import answer_questions, hand_in, start_quiz, study_whole_course
from tests.e2e.study_factories import answer_key, prepare


async def test_results_list_attempts_and_hide_answers_until_the_window_closes(
    bot: BotHarness, database_url: str
) -> None:
    clock = await prepare(bot, database_url, 2201)
    user = bot.user(2201)
    await user.send_text("成绩查询")
    empty = await user.next_message()
    assert "还没有参加线上考核" in (empty.text or "") and not empty.buttons
    await study_whole_course(user, clock)
    question = await start_quiz(user)
    await hand_in(
        user, await answer_questions(user, question, await answer_key(database_url), right=7, count=8)
    )
    await user.send_text("成绩查询")
    listing = await user.next_message()
    assert "70 分 不合格" in (listing.text or "") and listing.buttons == ["查看第 1 次答卷"]
    hidden = await user.press("查看第 1 次答卷", message_id=listing.message_id)
    assert hidden is not None and hidden.show_alert and "期间不公布标准答案" in (hidden.text or "")
    await user.expect_silence(0.2)
    clock.advance(days=30)
    await user.press("查看第 1 次答卷", message_id=listing.message_id)
    sheet = (await user.next_message()).text or ""
    assert sheet.startswith("第 1 次线上考核答卷（得分 70 分）")
    assert sheet.count("✅") == 7 and sheet.count("❌") == 3 and sheet.count("未作答") == 2
    assert "标准答案：" in sheet
