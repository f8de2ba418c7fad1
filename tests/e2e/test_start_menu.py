"""A person opens the bot: greeting, the portal's menu, help, contacts, and a restart that forgets nothing."""

from __future__ import annotations

import pytest
from aiohttp import ClientSession
from sqlalchemy import select

from core.db import Database
from core.db.models import User
from tests.e2e.harness import BotHarness

pytestmark = pytest.mark.webhook  # also run with the bot in webhook mode

MENU = [
    ["个人信息", "考生须知", "我的报名"],
    ["培训学习", "成绩查询", "打印准考证"],
    ["邮寄服务", "考试档案", "证书查看"],
    ["联系我们", "我的数据"],
]


async def test_start_greets_and_shows_every_menu_button(bot: BotHarness) -> None:
    user = bot.user(1001, "张三")
    await user.send_command("/start")
    reply = await user.next_message()
    assert reply.text is not None
    assert reply.text.startswith("您好，张三！")
    assert "先点「个人信息」完善资料" in reply.text
    assert user.reply_keyboard == MENU


async def test_staff_are_told_about_the_staff_desk(bot: BotHarness) -> None:
    staff = bot.staff()
    await staff.send_command("/start")
    assert "/staff" in ((await staff.next_message()).text or "")


async def test_commands_are_registered_with_telegram(bot: BotHarness) -> None:
    names = [c["command"] for c in bot.emulator.commands.get("default", [])]
    assert names == ["start", "help", "cancel", "verify", "mute", "unmute"]


async def test_every_menu_button_answers(bot: BotHarness) -> None:
    user = bot.user(1002, "李四")
    await user.send_command("/start")
    await user.next_message()
    for label in [label for row in MENU for label in row]:
        await user.press(label)
        reply = await user.next_message()
        assert reply.text, f"{label} gave an empty reply"


async def test_contact_shows_the_notice_contacts(bot: BotHarness) -> None:
    user = bot.user(1003)
    await user.send_text("联系我们")
    text = (await user.next_message()).text or ""
    assert "高韵涵、王洪" in text and "0551-62636637" in text and "18155118665" in text


async def test_unknown_text_and_unexpected_files_get_pointed_to_the_menu(bot: BotHarness) -> None:
    user = bot.user(1004)
    await user.send_text("随便说点什么")
    assert "没有看懂" in ((await user.next_message()).text or "")
    await user.send_document(b"%PDF-1.4 hello", "x.pdf", "application/pdf")
    assert "现在不需要上传文件" in ((await user.next_message()).text or "")
    await user.send_command("/nonsense")
    assert "没有看懂" in ((await user.next_message()).text or "")


async def test_a_forged_button_is_answered_not_ignored(bot: BotHarness) -> None:
    user = bot.user(1005)
    await user.send_command("/start")
    start = await user.next_message()
    answer = await user.press_data("no-such-feature:1", message_id=start.message_id)
    assert answer is not None and "按钮已经失效" in (answer.text or "")


async def test_cancel_outside_any_flow_says_so(bot: BotHarness) -> None:
    user = bot.user(1006)
    await user.send_command("/cancel")
    assert "当前没有正在进行的操作" in ((await user.next_message()).text or "")


async def test_data_written_before_a_restart_is_there_after_it(bot: BotHarness, database_url: str) -> None:
    user = bot.user(1007, "王五")
    await user.send_command("/start")
    await user.next_message()
    await bot.restart()
    await user.send_command("/start")
    assert ((await user.next_message()).text or "").startswith("您好，王五！")
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            rows = (await uow.session.scalars(select(User).where(User.telegram_id == 1007))).all()
        assert len(rows) == 1
    finally:
        await db.dispose()


async def test_a_user_who_blocked_the_bot_is_remembered(bot: BotHarness, database_url: str) -> None:
    user = bot.user(1008)
    await user.send_command("/start")
    await user.next_message()
    user.block()
    await user.send_command("/help")
    await user.expect_silence(0.5)
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            blocked = await uow.session.scalar(select(User.blocked_bot).where(User.telegram_id == 1008))
        assert blocked is True
    finally:
        await db.dispose()


async def test_the_web_server_answers_health_checks(bot: BotHarness) -> None:
    async with ClientSession() as session, session.get(f"{bot.web_url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True}
