"""Bad input through the bot: each gets a clear answer and changes nothing."""

from __future__ import annotations

from aiohttp import ClientSession

from core.certificates.numbers import new_certificate_number
from core.offline.ticket_numbers import new_ticket_number
from tests.e2e.harness import BotHarness
from tests.e2e.offline_factories import PLAN_NO
from tests.e2e.test_certificate_journey import candidates_who_passed, open_batch, said


async def test_over_capacity_foreign_unknown_and_repeated_tickets_are_refused(
    bot: BotHarness, database_url: str
) -> None:
    staff = bot.staff()
    people = [(1001 + i, name) for i, name in enumerate(("张三", "李四", "王五"))]
    for telegram_id, name in people:
        user = bot.user(telegram_id, name)
        await user.send_command("/start")
        await user.next_message()
    await candidates_who_passed(database_url, *people)
    first, _ = await open_batch(staff, capacity=2)
    second, _ = await open_batch(staff, capacity=1)
    await staff.send_text(f"/batch_assign {first}")
    await said(staff, "安排 2 人", "还有 1 人待安排")
    await staff.send_text(f"/batch_assign {first}")
    await said(staff, "人数已满")
    await staff.send_text(f"/batch_assign {second}")
    await said(staff, "安排 1 人")
    await staff.send_text(f"/batch_assign {second}")
    await said(staff, "人数已满")
    await staff.send_command("/batches")
    await said(staff, f"#{first} 第1期线下培训", "已安排 2/2 人", f"#{second} 第2期线下培训", "/checkin_open")

    foreign = (await said(bot.user(1003), "准考证号")).split("准考证号：", 1)[1].split()[0]
    await staff.send_text(f"/checkin_open {first}")
    await said(staff, "已安排 2 人")
    await staff.send_text(foreign)
    await said(staff, "不是当前签到的", "本次未签到")
    await staff.send_text(new_ticket_number(PLAN_NO, 9, 9))
    await said(staff, "不存在")
    await staff.send_text("1234")
    await said(staff, "不是有效的准考证号")
    await staff.send_text("/absent")
    await said(staff, "未签到人员（2 人）", "张三", "李四")


async def test_candidates_cannot_use_staff_commands(bot: BotHarness) -> None:
    candidate = bot.user(1001, "张三")
    for command in (
        "/batch_new 1 2 3 4 5",
        "/batch_assign 1",
        "/checkin_open 1",
        "/result a 1 合格",
        "/revoke x y",
    ):
        await candidate.send_text(command)
        await said(candidate, "仅限鉴定中心工作人员")


async def test_forged_and_unknown_numbers_are_rejected_in_chat_and_on_the_web(bot: BotHarness) -> None:
    user = bot.user(1001, "张三")
    genuine_shape = new_certificate_number(2026)
    forged = genuine_shape[:-1] + ("0" if genuine_shape[-1] != "0" else "1")
    await user.send_text(f"/verify {forged}")
    await said(user, "校验位不符")
    await user.send_text(f"/verify {genuine_shape}")
    await said(user, "查无此证")
    async with ClientSession() as http:
        async with http.get(f"{bot.web_url}/verify.json", params={"no": forged}) as response:
            assert response.status == 400 and (await response.json())["valid"] is False
        async with http.get(f"{bot.web_url}/verify", params={"no": genuine_shape}) as page:
            assert page.status == 404 and "查无此证" in await page.text()
        async with http.get(f"{bot.web_url}/verify", params={"no": "<script>"}) as page:
            assert "<script>" not in await page.text()
