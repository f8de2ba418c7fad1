"""A new deployment: staff see what is missing, a button for each; candidates learn when registering opens.

Command menus: candidates' commands in the default scope, staff's and liaisons' in their own chat's scope,
following /addstaff and /removestaff.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from telegram.ext import CommandHandler

from core.db.models import Plan
from core.people.command_menus import MENUS
from tests.e2e.factories import make_institution
from tests.e2e.harness import STAFF_ID, BotHarness
from tests.e2e.test_liaison_links import invitation_link

TODAY = datetime.now(UTC).date()


async def test_staff_on_an_empty_database_get_a_checklist_whose_buttons_fix_each_item(
    bot: BotHarness,
) -> None:
    staff = bot.staff()
    await staff.send_command("/start")
    assert "工作人员" in (await staff.next_message()).text
    checklist = await staff.next_message()
    assert "还差 6 项" in checklist.text and "❌ 考评计划" in checklist.text
    assert len(checklist.buttons) == 6 and "新建考评计划" in checklist.buttons
    await staff.press("导入在线课程")
    assert "请先用 /plans 新建考评计划" in (await staff.next_message()).text
    await staff.press("导入评价机构名录")
    await staff.next_message()
    await staff.press("新建考评计划")
    assert "第 1 步" in (await staff.next_message()).text

    await make_institution(bot.running.bot_data.db)
    await staff.send_command("/start")
    await staff.next_message()
    again = await staff.next_message()
    assert "还差 5 项" in again.text and "✅ 评价机构名录：已有 1 家" in again.text


async def test_a_candidate_before_any_plan_is_told_none_is_scheduled_and_whom_to_call(
    bot: BotHarness,
) -> None:
    candidate = bot.user(4101, "李四")
    await candidate.send_command("/start")
    welcome = await candidate.next_message()
    assert "下一期的报名时间尚未公布" in welcome.text and "0551-62636637" in welcome.text
    await candidate.expect_silence(0.2)  # no checklist for candidates


async def test_a_candidate_before_registration_opens_is_told_the_day(bot: BotHarness) -> None:
    opens = TODAY + timedelta(days=10)
    async with bot.running.bot_data.db.uow() as uow:
        uow.session.add(
            Plan(
                plan_no="2027120000000001",
                name="下一期考评员培训",
                registration_start=opens,
                registration_end=opens + timedelta(days=14),
                study_start=opens,
                study_end=opens + timedelta(days=25),
            )
        )
        await uow.commit()
    candidate = bot.user(4102)
    await candidate.send_command("/start")
    text = (await candidate.next_message()).text
    assert f"「下一期考评员培训」将于 {opens.year}年{opens.month}月{opens.day}日 开始报名" in text


async def test_command_menus_follow_roles_as_staff_are_added_and_removed(bot: BotHarness) -> None:
    staff = bot.staff()
    newcomer = bot.user(7001, "王五", started=True)
    candidate = bot.user(7002, started=True)
    await staff.send_command("/start")
    await staff.next_message()
    assert "系统设置清单" in (await staff.next_message()).text
    assert "plans" in staff.command_menu and "addstaff" in staff.command_menu
    assert candidate.command_menu == ["start", "help", "cancel", "verify", "mute", "unmute"]

    await staff.send_command("/addstaff", "7001 王五")
    assert "7001" in (await staff.next_message()).text
    assert "plans" in newcomer.command_menu and "staff" in newcomer.command_menu
    await staff.send_command("/removestaff", "7001")
    assert "7001" in (await staff.next_message()).text
    assert newcomer.command_menu == candidate.command_menu

    await make_institution(bot.running.bot_data.db, name="安徽省建筑业协会", kind="provincial_org")
    payload = await invitation_link(bot, "邀请联络人：安徽省建筑业协会")
    liaison = bot.user(7003, "赵六")
    await liaison.send_command("/start", payload)
    await liaison.next_message()
    assert "安徽省建筑业协会" in (await liaison.next_message()).text
    assert "roster" in liaison.command_menu and "plans" not in liaison.command_menu


async def test_a_restart_gives_every_staff_member_their_menu_again(bot: BotHarness) -> None:
    bot.user(STAFF_ID, "工作人员", started=True)
    await bot.restart()
    assert "plans" in bot.staff().command_menu
    async with bot.running.bot_data.db.uow() as uow:
        assert await uow.session.scalar(select(Plan.id)) is None


async def test_every_menu_command_has_a_handler_and_every_command_is_in_a_menu(bot: BotHarness) -> None:
    registered = {
        command
        for group in bot.running.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    listed = set().union(*MENUS.values())
    assert listed == registered
