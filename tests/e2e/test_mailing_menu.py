"""邮寄服务 in the menu, as on the portal: ask for a printed certificate, see address and tracking number."""

from __future__ import annotations

from tests.e2e.harness import BotHarness
from tests.e2e.test_certificate_journey import said
from tests.e2e.test_mailing_and_archive import certify_directly


async def test_mailing_service_from_the_menu_shows_address_and_tracking_number(
    bot: BotHarness, database_url: str
) -> None:
    holder, staff = bot.user(1001, "李四"), bot.staff()
    await holder.send_command("/start")
    assert any("邮寄服务" in row for row in (await holder.next_message()).reply_keyboard or [])
    await holder.press("邮寄服务")
    await said(holder, "还没有电子证书")
    await certify_directly(database_url)

    await holder.press("邮寄服务")
    menu = await holder.next_message()
    assert "还没有邮寄申请" in menu.content and menu.buttons == ["申请邮寄纸质证书"]
    await holder.press("申请邮寄纸质证书")
    await said(holder, "收件人姓名")
    for answer in ("李四", "13800138000", "安徽省合肥市蜀山区黄山路100号", "230000"):
        await holder.send_text(answer)
        await holder.next_message()

    await holder.press("邮寄服务")
    waiting = await holder.next_message()
    assert "黄山路100号" in waiting.content and "待寄出" in waiting.content
    assert waiting.buttons == []  # one request at a time
    request_id = waiting.content.split("#", 1)[1].split("　", 1)[0]
    await staff.send_text(f"/mail_sent {request_id} SF1234567890")
    await said(staff, "SF1234567890")
    await said(holder, "已寄出")
    await holder.press("邮寄服务")
    await said(holder, "已寄出，快递单号 SF1234567890", "230000")
