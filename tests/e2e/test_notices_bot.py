"""Scheduled notices through the real bot: the right people once, across restarts, receipts, mute."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.db.models import Batch, BatchAssignment, utcnow
from emulator import BotMessage, EmulatedUser
from scheduler.jobs import JOB_PREFIX, reschedule
from tests.e2e.harness import BotHarness
from tests.service.test_notices import seed_programme

TZ = ZoneInfo("Asia/Shanghai")
PEOPLE = {
    "liaison1": 5001,
    "liaison2": 5002,
    "draft": 1001,
    "incomplete": 1002,
    "submitted": 1003,
    "approved_new": 1004,
    "approved_done": 1005,
    "rejected": 1006,
    "profile_only": 1007,
    "stranger": 1008,
}
CLOSING = "报名即将截止"


def today() -> date:
    return utcnow().astimezone(TZ).date()


def users(bot: BotHarness) -> dict[str, EmulatedUser]:
    return {key: bot.user(telegram_id, key, started=True) for key, telegram_id in PEOPLE.items()}


async def next_with(user: EmulatedUser, words: str) -> BotMessage:
    """The next message containing `words`, passing over others (a digest may come first)."""
    message = await user.next_message()
    while words not in message.content:
        message = await user.next_message()
    return message


def closing_notices(user: EmulatedUser) -> list[str]:
    return [m.text or "" for m in user.messages if CLOSING in (m.text or "")]


async def test_registration_notice_reaches_the_right_people_once_across_restarts_and_moves_with_the_clock(
    bot: BotHarness,
) -> None:
    people = users(bot)
    # the 3-day notice fired yesterday morning (the bot was "down"), the 1-day one fires tomorrow morning
    await seed_programme(
        bot.running.bot_data.db,
        today() - timedelta(days=10),
        today() + timedelta(days=2),
        today() + timedelta(days=20),
    )
    await reschedule(bot.running.bot_data)
    concerned = {"draft", "incomplete", "rejected", "profile_only", "liaison1", "liaison2"}
    for key in concerned:
        assert "还剩 2 天" in (await next_with(people[key], CLOSING)).text
    for key, user in people.items():
        assert len(closing_notices(user)) == (1 if key in concerned else 0), key
    jobs = [job.id for job in bot.running.bot_data.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)]
    assert any(job.endswith(":1") and job.startswith(f"{JOB_PREFIX}reg:") for job in jobs)

    await bot.restart()
    await people["draft"].expect_silence(0.5)
    for key, user in people.items():
        assert len(closing_notices(user)) == (1 if key in concerned else 0), key

    tomorrow_nine = datetime.combine(today() + timedelta(days=1), time(9, 1), tzinfo=TZ)
    bot.running.bot_data.clock = lambda: tomorrow_nine
    await reschedule(bot.running.bot_data)
    for key in concerned:
        await next_with(people[key], "还剩 1 天")
    for key, user in people.items():
        assert len(closing_notices(user)) == (2 if key in concerned else 0), key
    assert "还剩 1 天" in closing_notices(people["draft"])[-1]


async def test_a_liaison_acknowledges_and_staff_see_who_has_not(bot: BotHarness) -> None:
    people = users(bot)
    await seed_programme(
        bot.running.bot_data.db,
        today() - timedelta(days=10),
        today() + timedelta(days=2),
        today() + timedelta(days=20),
    )
    await reschedule(bot.running.bot_data)
    liaison = people["liaison1"]
    notice = await next_with(liaison, CLOSING)
    assert "考生draft" in notice.text and "已阅" in notice.buttons
    answer = await liaison.press("已阅", message_id=notice.message_id)
    assert answer is not None and "已确认" in (answer.text or "")
    own = await next_with(people["draft"], CLOSING)
    forged = await people["draft"].press_data(
        notice.inline_keyboard[0][0].callback_data or "", own.message_id
    )
    assert forged is not None and forged.show_alert and "失效" in (forged.text or "")
    staff = bot.staff()
    await staff.send_command("/broadcasts")
    listing = await staff.next_message()
    assert "已阅确认：1/2" in listing.text and "liaison2" in listing.text


async def test_a_muted_candidate_gets_no_study_reminder_but_still_the_last_day_notice(
    bot: BotHarness,
) -> None:
    people = users(bot)
    candidate = people["approved_new"]
    # study ends the day after tomorrow: the 3-day reminder is overdue now, the last-day notice is tomorrow
    await seed_programme(
        bot.running.bot_data.db,
        today() - timedelta(days=20),
        today() - timedelta(days=5),
        today() + timedelta(days=2),
    )
    await candidate.send_command("/mute")
    assert "已关闭学习进度提醒" in (await candidate.next_message()).text
    await reschedule(bot.running.bot_data)
    await candidate.expect_silence(0.5)
    bot.running.bot_data.clock = lambda: datetime.combine(today() + timedelta(days=1), time(9, 1), tzinfo=TZ)
    await reschedule(bot.running.bot_data)
    last = await candidate.next_message()
    assert "在线学习即将截止" in last.text and "还剩 1 天" in last.text
    await people["approved_done"].expect_silence(0.1)


async def test_batch_reminder_and_liaison_digest_arrive_once_and_not_again_after_a_restart(
    bot: BotHarness,
) -> None:
    people = users(bot)
    db = bot.running.bot_data.db
    ids = await seed_programme(
        db, today() - timedelta(days=10), today() + timedelta(days=10), today() + timedelta(days=20)
    )
    batch_day = today() + timedelta(days=5)
    async with db.uow() as uow:
        batch = Batch(
            plan_id=ids["plan"], code="01", name="第一期", day=batch_day, start_time="08:30", place="合肥"
        )
        uow.session.add(batch)
        await uow.session.flush()
        uow.session.add(
            BatchAssignment(
                batch_id=batch.id,
                registration_id=ids["reg_approved_done"],
                user_id=ids["approved_done"],
                ticket_no="T-0001",
            )
        )
        await uow.commit()
    evening_before = datetime.combine(batch_day - timedelta(days=1), time(18, 5), tzinfo=TZ)
    bot.running.bot_data.clock = lambda: evening_before
    await reschedule(bot.running.bot_data)
    reminder = await next_with(people["approved_done"], "线下培训提醒")
    assert "T-0001" in reminder.text and "08:30" in reminder.text
    for key in ("liaison1", "liaison2"):
        digest = await next_with(people[key], "每日汇总")
        assert "已阅" in digest.buttons
    await bot.restart()
    bot.running.bot_data.clock = lambda: evening_before + timedelta(minutes=30)
    await reschedule(bot.running.bot_data)
    for key in ("approved_done", "liaison1", "liaison2", "draft"):
        await people[key].expect_silence(0.2)
    assert sum("线下培训提醒" in m.content for m in people["approved_done"].messages) == 1
    assert sum("每日汇总" in m.content for m in people["liaison1"].messages) == 1
