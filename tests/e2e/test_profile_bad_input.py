"""Bad input to 个人信息 and 上传照片 gets a clear answer and changes nothing."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import Dialog, Photo, Profile, User
from emulator import EmulatedUser
from tests.e2e.factories import make_candidate, make_institution, resident_id_for
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import RESIDENT, answer, fill_required, jpeg, open_profile, pick, png, reply_to


async def state_of(db: Database, telegram_id: int) -> tuple[dict[str, object], str | None, bool]:
    """The profile's columns, the open dialog step, and whether a photo is stored."""
    async with db.uow() as uow:
        user = await uow.session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None
        profile = await uow.session.scalar(select(Profile).where(Profile.user_id == user.id))
        dialog = await uow.session.get(Dialog, user.id)
        photo = await uow.session.scalar(select(Photo.id).where(Photo.user_id == user.id))
        columns = {c: getattr(profile, c) for c in Profile.__table__.columns.keys() if c != "updated_at"}
        return columns, dialog.step if dialog else None, photo is not None


async def begin(user: EmulatedUser) -> None:
    await open_profile(user)


async def refused(user: EmulatedUser, db: Database, text: str, expected: str) -> None:
    """Send a bad answer: the bot explains, and neither the profile nor the step moves."""
    before = await state_of(db, user.id)
    reply = await reply_to(user, text)
    assert expected in reply.content, reply.content
    await user.expect_silence(0.05)
    assert await state_of(db, user.id) == before


async def test_every_text_field_refuses_invalid_examples(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5001, "张三")
    await begin(user)
    await refused(user, db, "身份证", "请点击上方消息中的按钮")
    await pick(user, RESIDENT)
    good = resident_id_for(51, 3)
    await refused(user, db, good[:-1] + ("0" if good[-1] != "0" else "1"), "校验不通过")
    await refused(user, db, "34010419850615", "应为 18 位，您输入的是 14 位")
    await refused(user, db, "9" * 4096, "应为 18 位，您输入的是 4096 位")
    await refused(user, db, "000000198506151234", "不是有效的地区代码")
    await answer(user, good)
    await refused(user, db, "张3", "不能包含数字")
    await refused(user, db, "张三😀", "姓名只能包含汉字")
    await refused(user, db, "·张三", "间隔点")
    await refused(user, db, "Zhang San", "须填写证件上的中文姓名")
    await refused(user, db, "张" * 4096, "姓名长度应为 2–20 个字")
    await answer(user, "𠮷野家")  # a character outside the BMP is a real name character
    await refused(user, db, "本科", "请点击上方消息中的按钮")
    await pick(user, "大学本科")
    await refused(user, db, "1381234567", "11 位中国大陆手机号")
    await refused(user, db, "12812345678", "11 位中国大陆手机号")
    await answer(user, "+86 138-1234-5678")
    await refused(user, db, "name.example.com", "电子邮箱格式不正确")
    await refused(user, db, "a@b", "电子邮箱格式不正确")
    await answer(user, "name@example.com")
    await refused(user, db, "23000", "6 位数字")
    await refused(user, db, "23000a", "6 位数字")
    await answer(user, "230001")
    await user.press("合肥市")
    region = await user.next_message()
    assert "只能为「省直」" in region.content and "18155118665" in region.content
    columns, step, _ = await state_of(db, user.id)
    assert columns["region"] is None and step == "region"
    await pick(user, "省直")
    await pick(user, "企业职工")
    await refused(user, db, "合肥", "太短了")
    await refused(user, db, "地" * 4096, "请精简到 120 字以内")
    await refused(user, db, "合肥市\u202e蜀山区某路", "控制字符")
    await answer(user, "合肥市蜀山区长江西路 100 号")
    await user.press("选好了")
    await user.next_message()
    await refused(user, db, "电", "至少输入单位名称中的 2 个字")
    none = await reply_to(user, "不存在的单位")
    assert "没有找到名称包含「不存在的单位」" in none.content
    await user.press("跳过")
    await user.next_message()
    await refused(user, db, "2999-01", "不能晚于今天")
    await refused(user, db, "去年", "不是有效的日期")


async def test_other_id_types_ask_birth_date_and_gender(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5002, "Smith")
    await begin(user)
    await pick(user, "护照")
    await refused(user, db, "E12", "护照号码格式不正确")
    await answer(user, "E12345678")
    await answer(user, "John Smith")
    await pick(user, "男")
    columns, step, _ = await state_of(db, user.id)
    assert columns["gender"] == "男" and step == "birth_date"
    await refused(user, db, "1985-02-30", "不是有效的日期")
    await refused(user, db, "2020-01-01", "年龄应在 16 到 80 周岁之间")
    await answer(user, "1985年6月15日")
    columns, step, _ = await state_of(db, user.id)
    assert str(columns["birth_date"]) == "1985-06-15" and step == "education"


async def test_a_photo_where_text_is_expected_and_text_where_a_photo_is(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5003, "李四")
    await begin(user)
    await pick(user, RESIDENT)
    before = await state_of(db, user.id)
    await user.send_photo(jpeg())
    assert "这一步需要输入文字（证件号码）" in (await user.next_message()).content
    await user.send_document(b"%PDF-1.4\n%%EOF", "a.pdf", "application/pdf")
    assert "这一步需要输入文字" in (await user.next_message()).content
    assert await state_of(db, user.id) == before
    await user.send_command("/cancel")
    await user.next_message()
    await user.send_text("个人信息")
    await user.next_message()
    summary_or_question = user.last_message
    assert summary_or_question is not None
    await user.press_data("prof:photo", summary_or_question.message_id)
    assert "请上传近期免冠照片" in (await user.next_message()).content
    await refused(user, db, "这是我的照片", "这一步需要上传照片")


@pytest.mark.parametrize(
    ("data", "name", "mime", "declared", "expected"),
    [
        (b"%PDF-1.4\n1 0 obj\n%%EOF", "photo.jpg", "image/jpeg", None, "无法识别这个文件为 JPG 或 PNG"),
        (os.urandom(5000), "photo.jpg", "image/jpeg", None, "无法识别这个文件为 JPG 或 PNG"),
        (
            b"\xff\xd8\xff\xe0" + os.urandom(3000),
            "photo.jpg",
            "image/jpeg",
            None,
            "无法识别这个文件为 JPG 或 PNG",
        ),
        (jpeg(300, 400), "photo.jpg", "image/jpeg", 4 * 1024 * 1024, "4MB，超过了 3MB"),
        (jpeg(300, 400), "photo.jpg", "image/jpeg", 25 * 1024 * 1024, "超过了可以接收的上限"),
        (jpeg(100, 120), "small.jpg", "image/jpeg", None, "照片太小（100×120 像素）"),
        (png(500, 300), "wide.png", "image/png", None, "横版"),
        (b"GIF89a" + b"\x01\x00\x01\x00" + bytes(20), "a.gif", "image/gif", None, "无法识别"),
    ],
    ids=[
        "pdf-renamed-jpg",
        "random-bytes",
        "jpeg-magic-then-junk",
        "over-3mb",
        "over-20mb",
        "tiny",
        "landscape",
        "gif",
    ],
)
async def test_files_that_pose_as_photos_or_are_too_large_are_refused(
    bot: BotHarness,
    database_url: str,
    db: Database,
    data: bytes,
    name: str,
    mime: str,
    declared: int | None,
    expected: str,
) -> None:
    await make_candidate(db, 5004, None, status=None, with_photo=False)
    user = bot.user(5004, "王五")
    await user.send_text("个人信息")
    summary = await user.next_message()
    await user.press("上传照片", message_id=summary.message_id)
    await user.next_message()
    await user.send_document(data, name, mime, declared_size=declared)
    reply = await user.next_message()
    assert expected in reply.content, reply.content
    _, step, has_photo = await state_of(db, 5004)
    assert step == "photo" and not has_photo
    if declared is not None:  # refused before downloading anything
        assert bot.emulator.stats.requests_by_method["getFile"] == 0


async def test_a_real_photo_over_3_mb_is_refused(bot: BotHarness, database_url: str, db: Database) -> None:
    await make_candidate(db, 5005, None, status=None, with_photo=False)
    user = bot.user(5005, "赵六")
    await user.send_text("个人信息")
    summary = await user.next_message()
    await user.press("上传照片", message_id=summary.message_id)
    await user.next_message()
    big = jpeg(1200, 1600, quality=100, noise=True)
    assert len(big) > 3 * 1024 * 1024
    await user.send_photo(big)
    assert "超过了 3MB" in (await user.next_message()).content
    assert not (await state_of(db, 5005))[2]


async def test_stale_and_forged_buttons_get_a_polite_alert_and_change_nothing(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    await make_institution(db, "安徽省建筑业协会")
    user = bot.user(5006, "孙七")
    await begin(user)
    first_question = user.last_message
    assert first_question is not None
    await pick(user, RESIDENT)
    before = await state_of(db, 5006)
    for data in (
        "prof:set:id_type:1",
        "prof:set:region:0",
        "prof:set:gender:99",
        "prof:inst:1",
        "prof:zzz",
        "prof:edit:nonsense",
        "prof:next:institution",
        "prof:flag:77",
        "x" * 64,
    ):
        answer_ = await user.press_data(data, first_question.message_id, timeout=10)
        assert answer_ is not None and answer_.show_alert and "按钮已经失效" in (answer_.text or ""), data
    assert await state_of(db, 5006) == before
    await user.expect_silence(0.1)


async def test_two_messages_at_once_are_handled_in_order(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5007, "周八")
    await begin(user)
    await pick(user, RESIDENT)
    await asyncio.gather(user.send_text(resident_id_for(57, 5)), user.send_text("周八"))
    replies = [(await user.next_message()).content for _ in range(2)]
    assert "已保存「证件号码」" in replies[0] and "姓名" in replies[0]
    assert "已保存「姓名」：周八" in replies[1] and "学历" in replies[1]
    columns, step, _ = await state_of(db, 5007)
    assert (
        columns["id_number"] == resident_id_for(57, 5) and columns["name"] == "周八" and step == "education"
    )


async def test_an_answer_from_a_user_who_blocked_the_bot_is_still_saved(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5008, "吴九")
    await begin(user)
    await pick(user, RESIDENT)
    user.block()
    await user.send_text(resident_id_for(58, 5))
    blocked = False
    for _ in range(200):  # the bot's reply fails with 403 Forbidden; the error handler then records it
        async with db.uow() as uow:
            blocked = bool(await uow.session.scalar(select(User.blocked_bot).where(User.telegram_id == 5008)))
        if blocked:
            break
        await asyncio.sleep(0.05)
    assert blocked
    columns, step, _ = await state_of(db, 5008)
    assert columns["id_number"] == resident_id_for(58, 5) and step == "name"
    user.unblock()
    await user.send_text("吴九")
    assert "已保存「姓名」：吴九" in (await user.next_message()).content


async def test_after_approval_the_profile_is_read_only(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    await make_candidate(db, 5009, None, status="approved", name="郑十")
    user = bot.user(5009, "郑十")
    await user.send_text("个人信息")
    summary = await user.next_message()
    assert "报名已审核通过" in summary.content and not summary.buttons
    await user.press_data("prof:edit:name", summary.message_id)
    assert "不能再自行修改" in (await user.next_message()).content
    columns, step, _ = await state_of(db, 5009)
    assert columns["name"] == "郑十" and step is None


async def test_a_summary_edit_returns_to_the_summary(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5010, "冯一")
    await fill_required(user, 60)
    await user.press("选好了")
    await user.next_message()
    await user.press("跳过")
    await user.next_message()
    await user.press("跳过")
    await user.next_message()
    await user.press("跳过")
    summary = await user.next_message()
    assert "个人信息核对" in summary.content
    await user.press("修改手机号码")
    assert "手机号码" in (await user.next_message()).content
    await user.send_text("13900001111")
    saved = (await user.next_message()).content
    assert "已保存「手机号码」：13900001111" in saved and "个人信息核对" in saved


async def test_an_unknown_command_inside_the_flow_is_not_taken_as_an_answer(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    user = bot.user(5011, "陈二")
    await begin(user)
    await pick(user, RESIDENT)
    await refused(user, db, "/foo", "没有这个命令")
