"""Every broadcast carries 已阅 for each recipient, and staff read it by the sender's own numbering."""

from __future__ import annotations

from tests.e2e.harness import BotHarness
from tests.e2e.test_broadcast_bot import prepare


async def _broadcast_by_plan(bot: BotHarness, text: str) -> None:
    staff = bot.staff()
    await staff.send_command("/broadcast")
    await staff.next_message()
    await staff.send_text(text)
    await staff.next_message()
    await staff.press("按考评计划")
    await staff.next_message()
    await staff.press("2026年考评员培训")
    await staff.next_message()
    await staff.press("确认发送")
    await staff.next_message()
    report = await staff.next_message(timeout=8)
    assert "送达情况" in report.content


async def test_a_notice_to_a_plan_has_the_receipt_button_and_a_per_sender_number(bot: BotHarness) -> None:
    await prepare(bot)
    await _broadcast_by_plan(bot, "第一条：线下培训安排另行通知。")
    candidate = bot.user(1001)
    first = await candidate.next_message()
    assert first.text == "第一条：线下培训安排另行通知。" and first.buttons == ["已阅"]
    answer = await candidate.press("已阅")
    assert answer is not None and "已确认" in (answer.text or "")
    await _broadcast_by_plan(bot, "第二条：请按时完成在线学习。")
    assert (await candidate.next_message()).buttons == ["已阅"]

    staff = bot.staff()
    await staff.send_command("/broadcasts")
    listing = await staff.next_message()
    assert "发送的第 1 条通知" in listing.content and "发送的第 2 条通知" in listing.content
    assert "#" not in listing.content  # no internal ids
    assert "已阅确认：1/6" in listing.content and "已阅确认：0/6" in listing.content
    assert any(label.startswith("详情：") and "第 2 条" in label for label in listing.buttons)
