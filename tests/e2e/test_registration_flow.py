"""我的报名 through the emulator: /start to a submitted registration, the registry check, the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import Certificate, KnownCertificate, Proof, Registration
from emulator import EmulatedUser
from tests.e2e.factories import make_candidate, make_institution, make_plan
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import fill_required, jpeg, pick, reply_to

pytestmark = pytest.mark.webhook  # also run with the bot in webhook mode

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def seeded(database_url: str, **plan: object) -> tuple[int, int]:
    db = Database(database_url)
    try:
        institution = await make_institution(db, "中国电信股份有限公司安徽分公司")
        plan_id = await make_plan(db, "2020120000000019", **plan)  # type: ignore[arg-type]
    finally:
        await db.dispose()
    return institution, plan_id


async def registrations(database_url: str) -> list[tuple[str, bool, str | None]]:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            rows = await uow.session.scalars(select(Registration).order_by(Registration.id))
            return [(r.status, r.pledge_confirmed, r.occupation) for r in rows.all()]
    finally:
        await db.dispose()


async def enter_certificate(user: EmulatedUser, number: str, occupation: str = "电工") -> None:
    await user.press("添加证书")
    await user.next_message()
    await user.press("职业资格/技能等级证书")
    await user.next_message()
    await user.press(occupation)
    await user.next_message()
    await user.press("三级/高级工")
    assert "证书编号" in (await user.next_message()).content
    assert "发证单位" in (await reply_to(user, number)).content
    assert "发证日期" in (await reply_to(user, "安徽省职业技能鉴定中心")).content
    await user.send_text("2015-06-01")


async def open_plan(user: EmulatedUser) -> None:
    await user.send_text("我的报名")
    plans = await user.next_message()
    assert "可以报名的考评计划" in plans.content
    await user.press("2020120000000019 技能人才评价考评员培训（测试）")
    detail = await user.next_message()
    assert "报名时间" in detail.content and "可报考职业：电工、焊工" in detail.content


async def test_a_candidate_goes_from_start_to_a_submitted_registration(
    bot: BotHarness, database_url: str
) -> None:
    await seeded(database_url)
    user = bot.user(4001, "张三")
    await user.send_command("/start")
    await user.next_message()
    await user.send_text("我的报名")
    first = await user.next_message()
    assert "先维护个人信息，后报名考试" in first.content
    notice = await user.next_message()  # the profile flow starts with the notice to agree to
    assert "个人信息处理告知" in notice.content
    await user.send_command("/cancel")
    await user.next_message()
    await fill_required(user, 41)
    await user.press("选好了")
    await user.next_message()
    await reply_to(user, "电信")
    await pick(user, "中国电信股份有限公司安徽分公司")
    await user.press("跳过")
    await user.next_message()
    await user.send_photo(jpeg())
    await user.next_message()
    await user.press("确认无误")
    await user.next_message()

    await open_plan(user)
    await user.press("报考：电工")
    view = await user.next_message()
    assert "报名状态：未提交" in view.content and "尚未满足" in view.content
    assert "还没有符合申报条件的证书" in view.content and "诚信承诺" in view.content

    await enter_certificate(user, "S20150601001")
    assert "系统未能自动核验" in (await user.next_message()).content
    await user.next_message()
    await user.send_document(PDF, "证书扫描件.pdf", "application/pdf")
    assert "已收到第 1 份" in (await user.next_message()).content
    await user.press("上传完毕")
    view = await user.next_message()
    assert "已上传佐证 1 份" in view.content

    await user.press("提交报名")
    refused = await user.next_message()
    assert "还不能提交报名" in refused.content and "诚信承诺" in refused.content
    await user.press("确认诚信承诺")
    await user.next_message()
    await user.press("我已阅读并承诺")
    assert "已确认诚信承诺" in (await user.next_message()).content
    view = await user.next_message()
    assert "报名条件均已满足" in view.content
    await user.press("提交报名")
    assert "报名已提交" in (await user.next_message()).content
    view = await user.next_message()
    assert "报名状态：待审核" in view.content and "等待鉴定中心审核" in view.content
    assert await registrations(database_url) == [("submitted", True, "电工")]

    await user.send_text("我的报名")
    again = await user.next_message()
    assert "报名状态：待审核" in again.content


async def test_a_certificate_in_the_registry_is_verified_and_needs_no_upload(
    bot: BotHarness, database_url: str
) -> None:
    institution, _ = await seeded(database_url)
    db = Database(database_url)
    try:
        me = await make_candidate(db, 4002, institution, status=None)
        async with db.uow() as uow:
            uow.session.add(
                KnownCertificate(
                    name=me.name,
                    id_number=me.id_number,
                    number="S2015000777",
                    occupation="电工",
                    level="三级/高级工",
                )
            )
            await uow.commit()
    finally:
        await db.dispose()
    user = bot.user(4002, "钱八")
    await open_plan(user)
    await user.press("报考：电工")
    await user.next_message()
    await enter_certificate(user, "s2015 000777")
    assert "系统已核验" in (await user.next_message()).content
    view = await user.next_message()
    assert "系统已核验" in view.content
    assert "上传佐证（证书1）" not in [label for row in view.buttons for label in row]


async def test_registering_outside_the_window_is_refused_with_the_dates(
    bot: BotHarness, database_url: str
) -> None:
    past = datetime.now(UTC).date() - timedelta(days=60)
    institution, plan_id = await seeded(database_url, today=past)
    user = bot.user(4003, "周九")
    db = Database(database_url)
    try:
        await make_candidate(db, 4003, institution, status=None)
    finally:
        await db.dispose()
    await open_plan_closed(user)
    # a forged press of the registration button for that plan is refused too, with the dates
    message = user.last_message
    assert message is not None
    await user.press_data(f"reg:occ:{plan_id}:0", message.message_id)
    refused = await user.next_message()
    start = past - timedelta(days=3)
    assert (
        "报名已截止" in refused.content and f"{start.year}年{start.month}月{start.day}日" in refused.content
    )
    assert await registrations(database_url) == []


async def open_plan_closed(user: EmulatedUser) -> None:
    await user.send_text("我的报名")
    await user.next_message()
    await user.press("2020120000000019 技能人才评价考评员培训（测试）")
    detail = await user.next_message()
    assert "报名已截止" in detail.content and not detail.buttons


async def test_proofs_must_be_images_or_pdf_by_content_and_at_most_ten_megabytes(
    bot: BotHarness, database_url: str
) -> None:
    institution, _ = await seeded(database_url)
    db = Database(database_url)
    try:
        await make_candidate(db, 4004, institution, status=None)
    finally:
        await db.dispose()
    user = bot.user(4004, "吴十")
    await open_plan(user)
    await user.press("报考：电工")
    await user.next_message()
    await enter_certificate(user, "S0001")
    await user.next_message()
    await user.next_message()
    await user.send_document(b"MZ\x90\x00 not a pdf at all", "证书.pdf", "application/pdf")
    assert "只能是 JPG/PNG 图片或 PDF" in (await user.next_message()).content
    await user.send_document(PDF, "big.pdf", "application/pdf", declared_size=11 * 1024 * 1024)
    assert "超过了 10MB" in (await user.next_message()).content
    for n in range(1, 6):
        await user.send_photo(jpeg(200, 260))
        assert f"已收到第 {n} 份" in (await user.next_message()).content
    await user.send_photo(jpeg(200, 260))
    assert "最多上传 5 份" in (await user.next_message()).content
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            count = len((await uow.session.scalars(select(Proof))).all())
            certs = len((await uow.session.scalars(select(Certificate))).all())
    finally:
        await db.dispose()
    assert (count, certs) == (5, 1)


async def test_a_rejected_registration_is_resubmitted(bot: BotHarness, database_url: str) -> None:
    institution, _ = await seeded(database_url)
    db = Database(database_url)
    try:
        me = await make_candidate(db, 4005, institution, status="rejected")
        async with db.uow() as uow:
            row = await uow.session.get(Registration, me.registration_id)
            assert row is not None
            row.reject_reason = "证书扫描件不清晰"
            row.pledge_confirmed = True
            await uow.commit()
    finally:
        await db.dispose()
    user = bot.user(4005, "郑一")
    await user.send_text("我的报名")
    view = await user.next_message()
    assert "审核未通过" in view.content and "退回原因：证书扫描件不清晰" in view.content
    assert "重新提交" in view.content and "截止" in view.content
    await user.next_message()  # the plans list
    await user.press("提交报名")
    assert "已重新提交" in (await user.next_message()).content
    assert (await registrations(database_url))[0][0] == "resubmitted"
