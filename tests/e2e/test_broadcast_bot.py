"""Staff broadcast through the real bot: compose, audience, preview, confirm, delivery report, refusals."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from core.notices import broadcast
from emulator import EmulatedUser
from tests.e2e.harness import BotHarness
from tests.service.test_notices import seed_programme

pytestmark = pytest.mark.webhook  # also run with the bot in webhook mode


async def prepare(bot: BotHarness) -> dict[str, int]:
    ids = await seed_programme(bot.running.bot_data.db)
    for telegram_id in (5001, 5002, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008):
        bot.user(telegram_id, started=True)
    return ids


async def test_staff_broadcast_to_liaisons_reaches_them_with_a_receipt_button_and_reports_back(
    bot: BotHarness,
) -> None:
    await prepare(bot)
    staff = bot.staff()
    await staff.send_command("/broadcast")
    assert "请发送通知内容" in (await staff.next_message()).text
    await staff.send_text("请各单位联络人于8月20日前报送参训名单。")
    choose = await staff.next_message()
    assert "请选择发送范围" in choose.text
    await staff.press("仅联络人员")
    preview = await staff.next_message()
    assert "接收人数：2 人" in preview.text and "报送参训名单" in preview.text
    await staff.press("确认发送")
    assert "共 2 人" in (await staff.next_message()).text
    liaison = bot.user(5001)
    notice = await liaison.next_message()
    assert notice.text == "请各单位联络人于8月20日前报送参训名单。" and "已阅" in notice.buttons
    answer = await liaison.press("已阅")
    assert answer is not None and "已确认" in (answer.text or "")
    report = await staff.next_message(timeout=5)
    assert "已送达 2" in report.text and "无法送达 0" in report.text and "待发送 0" in report.text
    await bot.user(1001).expect_silence(0.1)
    await staff.send_command("/broadcasts")
    listing = await staff.next_message()
    assert "已阅确认：1/2" in listing.text and "尚未确认" in listing.text


async def test_blocked_and_unknown_recipients_show_as_undeliverable_in_the_report(bot: BotHarness) -> None:
    await prepare(bot)
    bot.user(1003).block()
    staff = bot.staff()
    await staff.send_command("/broadcast")
    await staff.next_message()
    await staff.send_text("全体通知")
    await staff.next_message()
    await staff.press("按考评计划")
    await staff.next_message()
    await staff.press("2026年考评员培训")
    assert "接收人数：6 人" in (await staff.next_message()).text
    await staff.press("确认发送")
    await staff.next_message()
    report = await staff.next_message(timeout=8)
    assert "已送达 5" in report.text and "无法送达 1" in report.text


async def test_over_long_text_and_too_large_document_are_refused_with_how_to_fix(bot: BotHarness) -> None:
    staff = bot.staff()
    await staff.send_command("/broadcast")
    await staff.next_message()
    await staff.send_document(b"%PDF-1.4 tiny", "安排.pdf", "application/pdf", caption="说" * 1100)
    assert "1024" in (await staff.next_message()).text
    await staff.send_document(
        b"%PDF-1.4", "大文件.pdf", "application/pdf", caption="安排", declared_size=30 << 20
    )
    assert "20MB" in (await staff.next_message()).text
    await staff.send_document(b"%PDF-1.4 tiny", "安排.pdf", "application/pdf", caption="线下培训安排见附件")
    assert "请选择发送范围" in (await staff.next_message()).text


async def test_a_document_broadcast_arrives_as_a_document_with_its_caption(bot: BotHarness) -> None:
    await prepare(bot)
    staff = bot.staff()
    await staff.send_command("/broadcast")
    await staff.next_message()
    await staff.send_document(b"%PDF-1.4 tiny", "安排.pdf", "application/pdf", caption="线下培训安排见附件")
    await staff.next_message()
    await staff.press("仅联络人员")
    assert "附件：安排.pdf" in (await staff.next_message()).text
    await staff.press("确认发送")
    got = await bot.user(5002).next_message()
    assert got.document is not None and got.document.file_name == "安排.pdf"
    assert got.caption == "线下培训安排见附件"


async def test_two_staff_broadcasting_at_once_each_get_their_own_notice_out(bot: BotHarness) -> None:
    await prepare(bot)
    services = bot.running.bot_data
    services.settings = dataclasses.replace(services.settings, staff_ids=frozenset({900001, 900002}))
    first, second = bot.staff(), bot.user(900002, "工作人员乙")

    async def send(user: EmulatedUser, text: str) -> None:
        await user.send_command("/broadcast")
        await user.next_message()
        await user.send_text(text)
        await user.next_message()
        await user.press("仅联络人员")
        await user.next_message()
        await user.press("确认发送")
        assert "共 2 人" in (await user.next_message()).text

    await asyncio.gather(send(first, "甲：请报送名单"), send(second, "乙：请核对信息"))
    liaison = bot.user(5001)
    texts = {(await liaison.next_message()).text, (await liaison.next_message()).text}
    assert texts == {"甲：请报送名单", "乙：请核对信息"}


async def test_candidates_cannot_broadcast(bot: BotHarness) -> None:
    user = bot.user(1001, "考生")
    await user.send_command("/broadcast")
    assert "仅限鉴定中心工作人员" in (await user.next_message()).text
    assert broadcast.FLOW == "broadcast"
