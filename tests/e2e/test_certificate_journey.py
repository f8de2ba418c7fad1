"""From a passed online quiz to a verified e-certificate, through the bot as candidates and staff use it."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import ClientSession

from core.db import Database
from emulator import EmulatedUser
from tests.e2e.batch_steps import new_batch_by_dialog
from tests.e2e.harness import BotHarness
from tests.e2e.offline_factories import PLAN_NO, TZ, make_candidate, make_plan, pdf_text, results_xlsx


async def said(user: EmulatedUser, *fragments: str) -> str:
    """The next message, checked to contain every fragment."""
    text = (await user.next_message()).content
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    return text


async def candidates_who_passed(database_url: str, *people: tuple[int, str]) -> None:
    db = Database(database_url)
    try:
        plan = await make_plan(db)
        for telegram_id, name in people:
            await make_candidate(db, telegram_id, name, plan)
    finally:
        await db.dispose()


async def open_batch(staff: EmulatedUser, capacity: int = 30) -> tuple[str, str]:
    """Create a batch a week ahead through the bot; its id and the date as printed."""
    day = datetime.now(TZ).date() + timedelta(days=7)
    text = await new_batch_by_dialog(
        staff, PLAN_NO, day.isoformat(), "09:00", "合肥市黄山路100号培训楼", capacity
    )
    assert "已创建线下培训批次 #" in text, text
    return text.split("#", 1)[1].split("：", 1)[0], f"{day.year}年{day.month}月{day.day}日"


async def test_a_candidate_goes_from_quiz_to_a_verified_certificate(
    bot: BotHarness, database_url: str
) -> None:
    candidate, staff = bot.user(1001, "张三"), bot.staff()
    await candidate.send_command("/start")
    await candidate.next_message()
    await candidates_who_passed(database_url, (1001, "张三丰"))

    batch_id, day = await open_batch(staff)
    await staff.send_text(f"/batch_assign {batch_id}")
    await said(staff, "安排 1 人", "1/30")
    notice = await said(candidate, "线下培训通知", day, "09:00", "合肥市黄山路100号培训楼", "准考证号")
    ticket = notice.split("准考证号：", 1)[1].split()[0]

    await candidate.press("打印准考证")
    ticket_pdf = (await candidate.next_message(timeout=15)).document  # the first PDF loads the typeface
    assert ticket_pdf is not None and ticket_pdf.file_name and ticket_pdf.file_name.endswith(".pdf")
    assert "张三丰" in pdf_text(ticket_pdf.data) and ticket in pdf_text(ticket_pdf.data)

    await staff.send_text(f"/checkin_open {batch_id}")
    await said(staff, "开始为")
    await staff.send_text(ticket)
    await said(staff, "签到成功", "张三丰", "1/1")
    await staff.send_text(f"/checkin {ticket}")
    await said(staff, "已于", "签到过")

    await staff.send_command("/results_import")
    await said(staff, "成绩表")
    sheet = results_xlsx(["准考证号", "成绩", "考试结果"], [[ticket, 96, "合格"]])
    await staff.send_document(
        sheet, "成绩.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    await said(staff, "已登记 1 人", "合格 1 人")
    told = await said(candidate, "96 分", "合格", "证书查看")
    number = told.split("编号 ", 1)[1].split("）", 1)[0]

    await candidate.press("成绩查询")
    await said(candidate, "考评员资格考试", "96 分")

    await candidate.press("证书查看")
    first = await candidate.next_message()
    assert first.document is not None and number in first.content
    text = pdf_text(first.document.data)
    for expected in ("张三丰", "电工", "三级/高级工", number, "安徽省职业技能鉴定中心"):
        assert expected in text
    await candidate.press("证书查看")
    second = await candidate.next_message()
    assert second.document is not None and second.document.data == first.document.data

    async with ClientSession() as http:
        async with http.get(f"{bot.web_url}/verify", params={"no": number}) as page:
            assert page.status == 200
            html = await page.text()
        assert "有效" in html and "张*丰" in html and "张三丰" not in html
        async with http.get(f"{bot.web_url}/verify.json", params={"no": number}) as response:
            assert (await response.json())["status"] == "valid"

        await staff.send_text(f"/revoke {number} 申报材料不实")
        await said(staff, "已撤销证书")
        await said(candidate, "已被撤销", "申报材料不实")
        async with http.get(f"{bot.web_url}/verify", params={"no": number}) as page:
            html = await page.text()
        assert "已撤销" in html and "张*丰" in html
        assert "申报材料不实" not in html  # told to the holder, not the public
        async with http.get(
            f"{bot.web_url}/verify", params={"no": number}, headers={"Accept": "application/json"}
        ) as response:
            body = await response.json()
        assert (body["status"], body["valid"], body["holder"]) == ("revoked", False, "张*丰")

    await candidate.send_text(f"/verify {number}")
    await said(candidate, "已撤销（无效）")
