"""A candidate studies 180 minutes and sits the quiz through the bot: passing, failing twice, time limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import AttemptItem, QuizAttempt
from tests.e2e.harness import BotHarness
from tests.e2e.study_chat import answer_questions, edited, hand_in, start_quiz, study_whole_course
from tests.e2e.study_factories import answer_key, install_clock, prepare

pytestmark = pytest.mark.webhook  # also run with the bot in webhook mode


async def test_a_candidate_studies_180_minutes_and_passes_the_quiz(
    bot: BotHarness, database_url: str
) -> None:
    clock = await prepare(bot, database_url, 2001)
    user = bot.user(2001, "张三")
    await user.send_text("培训学习")
    overview = await user.next_message()
    assert "░░░░░░░░░░ 0/180 分钟" in (overview.text or "")
    assert "还需学习 180 分钟" in (overview.text or "")
    assert "开始线上考核" not in overview.buttons
    done = await study_whole_course(user, clock)
    assert "▓▓▓▓▓▓▓▓▓▓ 180/180 分钟" in (done.text or "")
    question = await start_quiz(user)
    sheet = await answer_questions(user, question, await answer_key(database_url), right=9)
    assert "全部题目都已作答" in (sheet.text or "")
    result = await hand_in(user, sheet)
    assert "得分：90 分" in (result.text or "") and "合格 ✅" in (result.text or "")
    assert "不公布标准答案" in (result.text or "")
    await user.send_text("成绩查询")
    listing = (await user.next_message()).text or ""
    assert "第 1 次" in listing and "90 分 合格" in listing


async def test_two_failed_attempts_and_a_refused_third(bot: BotHarness, database_url: str) -> None:
    clock = await prepare(bot, database_url, 2002)
    user = bot.user(2002, "李四")
    finished = await study_whole_course(user, clock)
    first = await start_quiz(user)
    result = await hand_in(user, first)
    assert "得分：0 分" in (result.text or "") and "不合格" in (result.text or "")
    assert "还有 1 次考核机会" in (result.text or "")
    await user.send_text("培训学习")
    await user.next_message()
    second = await start_quiz(user)
    result = await hand_in(
        user, await answer_questions(user, second, await answer_key(database_url), right=8)
    )
    assert "得分：80 分" in (result.text or "") and "机会已经用完" in (result.text or "")
    await user.send_text("培训学习")
    overview = await user.next_message()
    assert "开始线上考核" not in overview.buttons and "已用 2/2 次机会" in (overview.text or "")
    refusal = await user.press("开始线上考核", message_id=finished.message_id)
    assert refusal is not None and refusal.show_alert and "机会已经用完" in (refusal.text or "")
    await user.expect_silence(0.2)
    await user.send_text("成绩查询")
    listing = (await user.next_message()).text or ""
    assert "第 1 次" in listing and "0 分 不合格" in listing and "80 分 不合格" in listing
    assert "以最好一次成绩为准：80 分" in listing


async def test_an_attempt_is_submitted_automatically_at_its_time_limit(
    bot: BotHarness, database_url: str
) -> None:
    clock = await prepare(bot, database_url, 2003)
    user = bot.user(2003, "王五")
    await study_whole_course(user, clock)
    question = await start_quiz(user)
    second = await answer_questions(user, question, await answer_key(database_url), right=1, count=1)
    stale_data = second.inline_keyboard[0][0].callback_data or ""
    clock.advance(minutes=60)
    scheduler = bot.running.bot_data.scheduler
    assert scheduler is not None
    jobs = [job for job in scheduler.get_jobs() if job.id.startswith("quiz-deadline:")]
    assert len(jobs) == 1
    jobs[0].modify(next_run_time=datetime.now(UTC))
    notice = await user.next_message()
    assert "系统已自动交卷" in (notice.text or "") and "得分：10 分" in (notice.text or "")
    assert not user.bot_messages[question.message_id].inline_keyboard
    late = await user.press_data(stale_data, question.message_id)
    assert late is not None and late.show_alert and "已经结束交卷" in (late.text or "")


async def test_answering_after_the_time_limit_is_refused(bot: BotHarness, database_url: str) -> None:
    clock = await prepare(bot, database_url, 2004)
    user = bot.user(2004)
    await study_whole_course(user, clock)
    question = await start_quiz(user)
    clock.advance(minutes=61)
    label = question.inline_keyboard[0][0].text
    refused = await user.press(label, message_id=question.message_id)
    assert refused is not None and refused.show_alert and "考核时间已到" in (refused.text or "")
    result = user.bot_messages[question.message_id]
    assert "系统已自动交卷" in (result.text or "") and not result.inline_keyboard
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            attempt = await uow.session.scalar(select(QuizAttempt))
            assert attempt is not None and attempt.status == "timed_out" and attempt.score == 0
            items = (await uow.session.scalars(select(AttemptItem))).all()
            assert all(i.chosen is None for i in items)
    finally:
        await db.dispose()


async def test_a_restart_in_the_middle_resumes_at_the_same_question(
    bot: BotHarness, database_url: str
) -> None:
    clock = await prepare(bot, database_url, 2005)
    user = bot.user(2005)
    await study_whole_course(user, clock)
    question = await start_quiz(user)
    fourth = await answer_questions(user, question, await answer_key(database_url), right=3, count=3)
    assert "第 4/10 题" in (fourth.text or "")
    await bot.restart()
    install_clock(bot, clock)
    await user.send_text("培训学习")
    overview = await user.next_message()
    await user.press("继续考核", message_id=overview.message_id)
    resumed = await user.next_message()
    assert "第 4/10 题" in (resumed.text or "") and "已答 3/10 题" in (resumed.text or "")
    old = await user.press("答题卡", message_id=question.message_id)
    assert old is not None and old.show_alert and "按钮已经失效" in (old.text or "")
    await user.press("答题卡", message_id=resumed.message_id)
    sheet = await edited(user, resumed.message_id)
    assert "未作答：第 4、5、6、7、8、9、10 题" in (sheet.text or "")


async def test_bad_input_during_the_quiz_changes_nothing(bot: BotHarness, database_url: str) -> None:
    clock = await prepare(bot, database_url, 2006, 2007)
    user = bot.user(2006)
    other = bot.user(2007)
    await study_whole_course(user, clock)
    await user.press("开始线上考核")
    confirm = await user.next_message()
    go = confirm.find_button("确认开始")
    assert go is not None and go.callback_data is not None
    await user.press_data(go.callback_data, confirm.message_id)
    question = await user.next_message()
    twice = await user.press_data(go.callback_data, confirm.message_id)
    assert twice is not None and "正在进行中" in (twice.text or "")
    await user.send_text("我选 A")
    assert "请点题目下方的按钮作答" in ((await user.next_message()).text or "")
    first = question.inline_keyboard[0][0]
    assert first.callback_data is not None and len(first.callback_data.encode()) <= 64
    await user.press_data(first.callback_data, question.message_id)
    await edited(user, question.message_id)
    again = await user.press_data(first.callback_data, question.message_id)
    assert again is not None and "已经记录过了" in (again.text or "")
    await other.send_text("培训学习")
    mine = await other.next_message()
    forged = await other.press_data(first.callback_data, mine.message_id)
    assert forged is not None and forged.show_alert and "按钮已经失效" in (forged.text or "")
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
            answered = [
                i for i in (await uow.session.scalars(select(AttemptItem))).all() if i.chosen is not None
            ]
            assert len(answered) <= 1
    finally:
        await db.dispose()


async def test_an_attempt_open_across_a_restart_is_still_submitted_at_its_limit(
    bot: BotHarness, database_url: str
) -> None:
    clock = await prepare(bot, database_url, 2008)
    user = bot.user(2008)
    await study_whole_course(user, clock)
    question = await start_quiz(user)
    await bot.stop()
    clock.advance(minutes=90)
    await bot.start()
    install_clock(bot, clock)
    scheduler = bot.running.bot_data.scheduler
    assert scheduler is not None
    [job] = [job for job in scheduler.get_jobs() if job.id.startswith("quiz-deadline:")]
    job.modify(next_run_time=datetime.now(UTC))
    notice = await user.next_message()
    assert "系统已自动交卷" in (notice.text or "") and "得分：0 分" in (notice.text or "")
    assert not user.bot_messages[question.message_id].inline_keyboard


async def test_the_sweep_hands_in_an_attempt_whose_own_job_was_lost(
    bot: BotHarness, database_url: str
) -> None:
    clock = await prepare(bot, database_url, 2009)
    user = bot.user(2009)
    await study_whole_course(user, clock)
    await start_quiz(user)
    scheduler = bot.running.bot_data.scheduler
    assert scheduler is not None
    for job in scheduler.get_jobs():
        if job.id.startswith("quiz-deadline:"):
            job.remove()
    clock.advance(minutes=60)
    sweep = scheduler.get_job("quiz-deadline-sweep")
    assert sweep is not None
    sweep.modify(next_run_time=datetime.now(UTC))
    assert "系统已自动交卷" in ((await user.next_message()).text or "")
