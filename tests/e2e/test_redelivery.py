"""Telegram hands out again each update a crashed bot had not confirmed: none is applied twice."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import ProcessedUpdate
from emulator import BotApiEmulator
from tests.e2e.factories import resident_id_for
from tests.e2e.harness import TOKEN, BotHarness
from tests.e2e.profile_steps import RESIDENT, answer, open_profile, pick
from tests.e2e.study_chat import answer_questions, edited, parse_question, start_quiz, study_whole_course
from tests.e2e.study_factories import answer_key, install_clock, prepare


async def records_of(db: Database, update_id: int) -> int:
    async with db.uow() as uow:
        found = await uow.session.scalar(
            select(func.count()).select_from(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id)
        )
    return int(found or 0)


@pytest.mark.webhook
async def test_an_answer_handed_out_again_after_a_restart_is_not_applied_twice(
    bot: BotHarness, db: Database
) -> None:
    user = bot.user(3101, "张三")
    await open_profile(user)
    await pick(user, RESIDENT)
    await answer(user, resident_id_for(31, 1))
    question = await answer(user, "张三")
    name_update = user.last_update_id
    assert name_update is not None and "学历" in question.content

    await bot.restart()
    bot.emulator.redeliver(name_update)
    # handled again, "张三" would be taken as an answer to 学历 and refused; skipped, the step is shown again
    again = await user.next_message()
    assert again.content == question.content.split("\n\n", 1)[1]  # the question again, not the 已保存 line
    await user.expect_silence(0.5)
    question = await pick(user, "硕士研究生")
    assert "手机号码" in question.content
    assert await records_of(db, name_update) == 1


@pytest.mark.webhook
async def test_an_answer_handed_out_again_after_the_person_went_on_shows_nothing(
    bot: BotHarness, db: Database
) -> None:
    user = bot.user(3106, "张三")
    await open_profile(user)
    await pick(user, RESIDENT)
    await answer(user, resident_id_for(31, 6))
    await answer(user, "张三")
    name_update = user.last_update_id
    assert name_update is not None
    question = await pick(user, "硕士研究生")  # the person saw the answer and went on
    assert "手机号码" in question.content

    await bot.restart()
    bot.emulator.redeliver(name_update)  # handed out again to a process that did not see the later step
    await user.expect_silence(0.8)  # neither the old question nor a note: the step has moved on
    question = await answer(user, "13800000006")
    assert "电子邮箱" in question.content
    assert await records_of(db, name_update) == 1


async def until_recorded(db: Database, update_id: int) -> None:
    """Wait until the bot's commit recorded the update as applied."""
    for _ in range(200):
        if await records_of(db, update_id):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"update {update_id} was never recorded")


@pytest.mark.webhook
async def test_an_answer_saved_whose_reply_was_lost_shows_the_next_question_after_the_restart(
    bot: BotHarness, db: Database
) -> None:
    user = bot.user(3104, "张三")
    await open_profile(user)
    await pick(user, RESIDENT)
    await answer(user, resident_id_for(31, 4))
    bot.emulator.unreachable_chats.add(user.id)  # the name is saved, then the answer to it never arrives
    await user.send_text("张三")
    name_update = user.last_update_id
    assert name_update is not None
    await until_recorded(db, name_update)

    await bot.restart()  # the stop waits for the handler: its failed reply and apology reach nobody
    bot.emulator.unreachable_chats.discard(user.id)
    bot.emulator.redeliver(name_update)  # the crashed bot's update comes back from Telegram
    question = await user.next_message()
    assert "学历" in question.content and "重新启动" not in question.content
    await user.expect_silence(0.5)
    question = await pick(user, "硕士研究生")  # and the person simply goes on
    assert "手机号码" in question.content
    assert await records_of(db, name_update) == 1


@pytest.mark.webhook
async def test_a_quiz_answer_saved_whose_redraw_was_lost_redraws_the_question_after_the_restart(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    clock = await prepare(bot, database_url, 3105)
    user = bot.user(3105)
    await study_whole_course(user, clock)
    key = await answer_key(database_url)
    question = await answer_questions(user, await start_quiz(user), key, right=3, count=3)
    assert "第 4/10 题" in (question.text or "")
    kind, _stem, options = parse_question(question)
    first = next(iter(options))
    label = {"判断题": "正确", "多选题": f"☐ {first}"}.get(kind, first)
    bot.emulator.unreachable_chats.add(user.id)  # the answer is saved, then the redraw never arrives
    await user.press(label, message_id=question.message_id)
    press_update = user.last_update_id
    assert press_update is not None
    await until_recorded(db, press_update)  # a tick of a multiple-choice question saves the draft

    await bot.restart()  # the stop waits for the handler: its failed redraw reaches nobody
    bot.emulator.unreachable_chats.discard(user.id)
    install_clock(bot, clock)
    bot.emulator.redeliver(press_update)
    redrawn = await edited(user, question.message_id)  # the same message, as the person would have seen it
    await user.expect_silence(0.3)
    if kind == "多选题":  # the tick is shown; the person confirms it and goes on
        assert "第 4/10 题" in (redrawn.text or "") and f"☑ {first}" in str(redrawn.reply_markup)
        await user.press("确认本题答案", message_id=question.message_id)
        redrawn = await edited(user, question.message_id)
    assert "第 5/10 题" in (redrawn.text or "")
    following = await answer_questions(user, redrawn, key, right=1, count=1)  # and answers the next one
    assert "第 6/10 题" in (following.text or "")


@pytest.mark.webhook
async def test_a_question_handed_out_again_after_a_restart_is_not_answered_twice(bot: BotHarness) -> None:
    user = bot.user(3102, "李四")
    await user.send_command("/help")
    assert (await user.next_message()).content
    help_update = user.last_update_id
    assert help_update is not None

    await bot.restart()
    bot.emulator.redeliver(help_update)
    assert "无需重做" in (await user.next_message()).content
    await user.expect_silence(0.5)
    await user.send_command("/help")
    assert (await user.next_message()).content


# polling only: the poller sees both updates in one batch; a webhook delivers them one by one
async def test_no_note_when_the_person_already_went_on_after_the_answer(bot: BotHarness) -> None:
    user = bot.user(3103, "王五")
    await user.send_command("/help")
    first_help = await user.next_message()
    help_update = user.last_update_id
    assert help_update is not None

    await bot.stop()
    bot.emulator.redeliver(help_update)
    await user.send_command("/help")  # sent after the answer arrived: the person saw it and went on
    await bot.start()
    again = await user.next_message()
    assert again.content == first_help.content
    await user.expect_silence(0.5)


@pytest.mark.webhook
async def test_updates_sent_while_the_bot_is_down_are_all_answered_once_it_is_back(bot: BotHarness) -> None:
    users = [bot.user(3110 + n, f"考生{n}") for n in range(5)]
    await bot.stop()
    for user in users:
        await user.send_command("/help")
    await bot.start()
    for user in users:
        assert (await user.next_message()).content
        await user.expect_silence(0.2)


async def test_a_new_emulator_numbering_updates_from_1_again_is_served_not_taken_for_replays(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(3120, "赵六")
    await open_profile(user)
    await pick(user, RESIDENT)
    assert await records_of(db, 1) == 1
    await bot.stop()

    # the sandbox restarted, emulator included: update ids and message ids begin again at 1
    fresh = BotApiEmulator(token=TOKEN, bot_username="examiner_test_bot", per_chat_burst=200)
    await fresh.start(host="127.0.0.1", port=0)
    again = BotHarness(fresh, database_url)
    await again.start()
    try:
        person = again.user(3120, "赵六", started=True)
        question = await answer(person, resident_id_for(31, 20))
        assert person.last_update_id == 1
        assert "姓名" in question.content
        question = await answer(person, "赵六")
        assert "学历" in question.content
        await person.expect_silence(0.3)
    finally:
        await again.stop()
        await fresh.stop()
    assert await records_of(db, 1) == 2


async def test_an_update_still_in_hand_stays_unconfirmed_while_later_ones_are_answered(
    bot: BotHarness, db: Database
) -> None:
    slow, quick = bot.user(3107, "张三"), bot.user(3108, "李四")
    hold = asyncio.Event()
    bot.emulator.held_chats[slow.id] = hold  # the reply to the slow person is stuck on the network
    await slow.send_command("/help")
    slow_update = slow.last_update_id
    assert slow_update is not None
    await asyncio.sleep(1.3)  # longer than the poller waits for a batch: it goes on to the next one
    for _ in range(3):
        await quick.send_command("/help")
        assert "培训" in (await quick.next_message()).content
    await quick.expect_silence(0.3)
    # a crash now would lose the slow update if it were confirmed: Telegram still holds it, oldest first
    pending = [int(u["update_id"]) for u in bot.emulator.updates.pending()]
    assert pending and pending[0] == slow_update

    hold.set()
    assert "培训" in (await slow.next_message()).content
    for _ in range(40):
        if not bot.emulator.updates.pending():
            break
        await asyncio.sleep(0.05)
    assert bot.emulator.updates.pending() == []  # all confirmed once it finished
    await slow.expect_silence(0.3)  # handed out again while in hand, it was not handled twice
    await quick.expect_silence(0.1)
    assert await records_of(db, slow_update) <= 1


async def test_a_quiz_answer_whose_redraw_was_lost_is_redrawn_when_the_person_presses_again(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    clock = await prepare(bot, database_url, 3109)
    user = bot.user(3109)
    await study_whole_course(user, clock)
    key = await answer_key(database_url)
    question = await answer_questions(user, await start_quiz(user), key, right=2, count=2)
    assert "第 3/10 题" in (question.text or "")
    kind, _stem, options = parse_question(question)
    first = next(iter(options))
    label = {"判断题": "正确", "多选题": f"☐ {first}"}.get(kind, first)
    bot.emulator.unreachable_chats.add(user.id)  # the press is saved, then its redraw never arrives
    await user.press(label, message_id=question.message_id)
    lost = user.last_update_id
    assert lost is not None
    await until_recorded(db, lost)
    bot.emulator.unreachable_chats.discard(user.id)

    # still looking at question 3, the person presses the same button again: the screen comes back
    toast = await user.press(label, message_id=question.message_id)
    redrawn = await edited(user, question.message_id)
    assert toast is not None and "已经记录过了" in (toast.text or "")
    if kind == "多选题":  # ticked once, not toggled back off by the second press
        assert "第 3/10 题" in (redrawn.text or "") and f"☑ {first}" in str(redrawn.reply_markup)
        await user.press("确认本题答案", message_id=question.message_id)
        redrawn = await edited(user, question.message_id)
    assert "第 4/10 题" in (redrawn.text or "")
    following = await answer_questions(user, redrawn, key, right=1, count=1)  # and simply goes on
    assert "第 5/10 题" in (following.text or "")
