"""Staff create an offline batch through the /batch_new dialog, as a person would."""

from __future__ import annotations

from emulator import EmulatedUser


async def reply_to(staff: EmulatedUser, text: str) -> str:
    """Send one answer and return the bot's next message."""
    await staff.send_text(text)
    return (await staff.next_message()).text or ""


async def new_batch_by_dialog(
    staff: EmulatedUser, plan_no: str, day: str, start: str, place: str, capacity: int
) -> str:
    """Plan button, date, time, place, capacity, confirm; returns the bot's confirmation."""
    await staff.send_command("/batch_new")
    menu = await staff.next_message()
    assert "请点选所属的考评计划" in (menu.text or ""), menu.text
    await staff.press(next(b for b in menu.buttons if b.startswith(plan_no)))
    assert "请输入培训日期" in ((await staff.next_message()).text or "")
    assert "请输入开始时间" in await reply_to(staff, day)
    assert "请输入培训地点" in await reply_to(staff, start)
    assert "请输入本批次可容纳的人数" in await reply_to(staff, place)
    summary = await reply_to(staff, str(capacity))
    assert "请核对新批次" in summary and f"容量：{capacity} 人" in summary, summary
    await staff.press("确认创建")
    return (await staff.next_message()).text or ""
