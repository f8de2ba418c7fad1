"""Telegram hands out again each update a crashed bot had not confirmed: none is applied twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import ProcessedUpdate
from emulator import BotApiEmulator
from tests.e2e.factories import resident_id_for
from tests.e2e.harness import TOKEN, BotHarness
from tests.e2e.profile_steps import RESIDENT, answer, open_profile, pick


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
    # handled again, "张三" would be taken as an answer to 学历 and refused; skipped, it changes nothing
    note = await user.next_message()
    assert "上一步操作此前已经保存" in note.content
    await user.expect_silence(0.5)
    question = await pick(user, "硕士研究生")
    assert "手机号码" in question.content
    assert await records_of(db, name_update) == 1


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
