"""/plans through the real bot: a dialog that refuses every bad value, edits that move notices, ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from core.db.models import Plan
from scheduler.jobs import issue_due
from tests.e2e.factories import make_candidate, make_institution
from tests.e2e.harness import BotHarness

TODAY = datetime.now(UTC).date()


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def window(start: int, end: int) -> str:
    return f"{day(start).isoformat()} 至 {day(end).isoformat()}"


def cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


async def plan_count(bot: BotHarness) -> int:
    async with bot.running.bot_data.db.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Plan)) or 0)


async def create_plan(bot: BotHarness, plan_no: str = "2026120000000019") -> None:
    """Staff type a whole plan into the dialog, correctly, and confirm it."""
    staff = bot.staff()
    await staff.send_command("/plans")
    await staff.next_message()
    await staff.press("➕ 新建计划")
    assert "第 1 步" in (await staff.next_message()).text
    for answer in (plan_no, "技能人才评价考评员培训", "电工、焊工，砌筑工", window(-3, 14), window(-3, 25)):
        await staff.send_text(answer)
        await staff.next_message()
    await staff.press("暂不设置")
    assert "请核对新计划" in (await staff.next_message()).text
    await staff.press("✅ 确认创建")
    assert "已创建考评计划" in (await staff.next_message()).text


async def test_every_bad_value_in_the_plan_dialog_is_explained_and_nothing_half_saved(
    bot: BotHarness,
) -> None:
    await create_plan(bot, "2026120000000001")
    staff = bot.staff()
    await staff.send_command("/plans")
    assert "技能人才评价考评员培训" in (await staff.next_message()).text
    await staff.press("➕ 新建计划")
    await staff.next_message()
    refusals = [
        ("12345", "16 位数字"),
        ("2026120000000001", "已经被另一个考评计划使用"),
        ("2026120000000002", "第 2 步"),
        ("\x07", "U+0007"),
        ("2027年考评员\u202e培训", "U+202E"),
        ("2027年技能人才评价考评员培训", "第 3 步"),
        ("电工 焊工", "顿号"),
        ("电工/焊工", "顿号"),
        ("电工、电工", "写了两次"),
        ("电工、焊工", "第 4 步"),
        ("2026-02-30 至 2026-03-10", "不是有效的日期"),
        ("明天开始", "中间用「至」连接"),
        (window(10, 5), "早于开始日期"),
        (window(-3, 14), "第 5 步"),
        (window(-30, -10), "早于报名开始日期"),
        ("asdf;lkj", "中间用「至」连接"),
        (window(-3, 25), "第 6 步"),
        (window(-10, 30), "须在线上考核合格之后"),
    ]
    for typed, expected in refusals:
        await staff.send_text(typed)
        reply = await staff.next_message()
        assert expected in reply.text, (typed, reply.text)
    assert await plan_count(bot) == 1  # nothing saved while the dialog runs
    await staff.send_text(window(30, 31))
    summary = await staff.next_message()
    assert "电工、焊工" in summary.text and cn(day(31)) in summary.text
    await staff.send_text("还想改")
    assert "确认创建" in (await staff.next_message()).text
    await staff.press("取消")
    assert "没有创建计划" in (await staff.next_message()).text
    assert await plan_count(bot) == 1


async def test_moving_registration_close_reschedules_its_notices_and_tells_those_affected_once(
    bot: BotHarness,
) -> None:
    await create_plan(bot)
    services = bot.running.bot_data
    async with services.db.uow() as uow:
        plan_id = int(await uow.session.scalar(select(Plan.id)) or 0)
    institution = await make_institution(services.db)
    drafting = await make_candidate(services.db, 2001, institution, "draft", plan_id=plan_id)
    approved = await make_candidate(services.db, 2002, institution, "approved", plan_id=plan_id)
    candidate, other = (
        bot.user(drafting.telegram_id, started=True),
        bot.user(approved.telegram_id, started=True),
    )
    assert services.scheduler is not None
    old_jobs = {
        job.id for job in services.scheduler.get_jobs() if job.id.startswith(f"notice:reg:{plan_id}:")
    }
    assert old_jobs == {f"notice:reg:{plan_id}:{day(14).isoformat()}:{n}" for n in (3, 1)}

    staff = bot.staff()
    await staff.send_command("/plans")
    await staff.next_message()
    await staff.press("技能人才评价考评员培训（进行中）")
    await staff.next_message()
    await staff.press("修改报名时间")
    assert day(14).isoformat() in (await staff.next_message()).text
    await staff.send_text(window(-3, 16))
    saved = await staff.next_message()
    assert "重新安排" in saved.text and "1 人" in saved.text

    new_jobs = {
        job.id for job in services.scheduler.get_jobs() if job.id.startswith(f"notice:reg:{plan_id}:")
    }
    assert new_jobs == {f"notice:reg:{plan_id}:{day(16).isoformat()}:{n}" for n in (3, 1)}
    told = await candidate.next_message()
    assert "时间调整" in told.text and cn(day(16)) in told.text
    await candidate.expect_silence(0.5)
    await other.expect_silence(0.1)

    local = services.settings.timezone
    services.clock = lambda: datetime.combine(day(15), time(9, 1), local).astimezone(UTC)
    await issue_due(services)
    closing = await candidate.next_message()
    assert "报名即将截止" in closing.text and f"{day(16).month}月{day(16).day}日" in closing.text
    await other.expect_silence(0.1)


async def test_a_plan_closed_early_then_archived_leaves_the_candidates_list(bot: BotHarness) -> None:
    await create_plan(bot)
    staff = bot.staff()
    await staff.send_command("/plans")
    await staff.next_message()
    await staff.press("技能人才评价考评员培训（进行中）")
    await staff.next_message()
    await staff.press("提前结束")
    assert "确定要提前结束" in (await staff.next_message()).text
    await staff.press("确认提前结束")
    assert "已提前结束" in (await staff.next_message()).text
    await staff.press("归档")
    await staff.next_message()
    await staff.press("确认归档")
    assert "已归档" in (await staff.next_message()).text
    await staff.send_command("/plans")
    assert "还没有考评计划" in (await staff.next_message()).text
    assert await plan_count(bot) == 1


async def test_candidates_cannot_open_the_plans_desk(bot: BotHarness) -> None:
    user = bot.user(3001)
    await user.send_command("/plans")
    assert "仅限鉴定中心工作人员" in (await user.next_message()).text
