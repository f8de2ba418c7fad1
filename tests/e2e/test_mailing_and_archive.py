"""邮寄服务 and 考试档案 through the bot: the postal form, staff posting it, the whole history in one view."""

from __future__ import annotations

from core.db import Database
from tests.e2e.harness import BotHarness
from tests.e2e.offline_factories import (
    ISSUER,
    STAFF,
    STAFF_IDS,
    TODAY,
    TZ,
    make_candidate,
    make_plan,
    ticket_of,
)
from tests.e2e.test_certificate_journey import said


async def certify_directly(database_url: str) -> None:
    """Bring candidate 1001 to a certificate through the services (the journey test covers the chat)."""
    from core.offline.batches import assign, create_batch
    from core.offline.exam import record_result
    from core.offline.tickets import check_in, open_checkin

    db = Database(database_url)
    try:
        plan = await make_plan(db)
        await make_candidate(db, 1001, "李四", plan)
        view = await create_batch(
            db, STAFF, STAFF_IDS, ["2026120000000019", "2099-01-01", "09:00", "5", "合肥"], TODAY
        )
        await assign(db, STAFF, STAFF_IDS, view.id)
        await open_checkin(db, STAFF, STAFF_IDS, view.id)
        ticket = await ticket_of(db, 1001)
        await check_in(db, STAFF, STAFF_IDS, ticket, TZ)
        await record_result(db, STAFF, STAFF_IDS, [ticket, "91", "合格"], TODAY, ISSUER)
    finally:
        await db.dispose()


async def test_a_holder_asks_for_a_printed_copy_and_is_told_when_it_is_posted(
    bot: BotHarness, database_url: str
) -> None:
    holder, staff = bot.user(1001, "李四"), bot.staff()
    await holder.send_command("/start")
    await holder.next_message()
    await certify_directly(database_url)

    await holder.press("证书查看")
    await holder.next_message()
    await holder.press("申请邮寄纸质证书")
    await said(holder, "收件人姓名")
    await holder.send_text("李四")
    await said(holder, "手机号码")
    await holder.send_text("1380013")
    await said(holder, "手机")
    await holder.send_text("13800138000")
    await said(holder, "收件地址")
    await holder.send_text("合肥")
    await said(holder, "联系地址")
    await holder.send_text("安徽省合肥市蜀山区黄山路100号")
    await said(holder, "邮政编码")
    await holder.send_text("230000")
    text = await said(holder, "邮寄申请 #", "已提交")
    request_id = text.split("#", 1)[1].split(" ", 1)[0]

    await staff.send_command("/mail_pending")
    await said(staff, f"#{request_id}", "黄山路100号")
    await staff.send_text(f"/mail_sent {request_id} SF1234567890")
    await said(staff, "SF1234567890")
    await said(holder, "已寄出", "SF1234567890")

    await holder.press("考试档案")
    await said(
        holder,
        "考试档案",
        "报名：",
        "线上考核第 1 次：95 分",
        "签到：已于",
        "资格考试：91 分",
        "电子证书：KPY-",
        "已寄出",
    )


async def test_a_newcomer_sees_an_empty_archive_and_no_certificate(bot: BotHarness) -> None:
    newcomer = bot.user(1002, "王五")
    await newcomer.press("考试档案") if newcomer.reply_keyboard else await newcomer.send_text("考试档案")
    await said(newcomer, "还没有报名记录")
    await newcomer.send_text("证书查看")
    await said(newcomer, "您还没有电子证书")
    await newcomer.send_text("打印准考证")
    await said(newcomer, "还没有被安排线下培训批次")
