"""The whole staff story through the emulator: import, invite a liaison, approve one, reject another,
the candidates hear at once, and the liaison's roster holds exactly their institution's people."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from core.db import Database
from core.db.models import Institution
from tests.e2e.factories import (
    csv_bytes,
    institution_rows,
    make_candidate,
    make_institution,
    make_plan,
    message_containing,
    registration_status,
)
from tests.e2e.harness import BotHarness

TELECOM = "中国电信股份有限公司安徽分公司"
ASSOCIATION = "安徽省建筑业协会"


async def test_staff_import_invite_review_and_the_liaison_sees_only_their_people(
    bot: BotHarness, database_url: str
) -> None:
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()

    # 1. import the registry by sending a CSV in the desk's import flow
    await staff.press("机构名录")
    await staff.next_message()
    await staff.press("导入名录")
    await staff.next_message()
    await staff.send_document(csv_bytes(institution_rows()), "机构名录.csv", "text/csv")
    assert "新增 3 条" in (await staff.next_message()).content

    # 2. candidates already registered (the registration flow is another feature): two at the telecom branch,
    #    one at the association
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            ids = {
                n: i for i, n in (await uow.session.execute(select(Institution.id, Institution.name))).all()
            }
        await make_plan(db)
        proof = bot.emulator.files.add(b"%PDF-1.4 scan", "documents", "证书扫描件.pdf", "application/pdf")
        wang = await make_candidate(db, 8001, ids[TELECOM], name="王芳", proof_file_id=proof.file_id)
        li = await make_candidate(db, 8002, ids[TELECOM], name="李强", proof_file_id=proof.file_id)
        zhao = await make_candidate(db, 8003, ids[ASSOCIATION], name="赵敏", proof_file_id=proof.file_id)
    finally:
        await db.dispose()
    candidates = {c.telegram_id: bot.user(c.telegram_id, c.name, started=True) for c in (wang, li, zhao)}

    # 3. invite the telecom branch's liaison; whoever opens the link becomes its liaison
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("邀请联络人")
    await staff.press(f"邀请联络人：{TELECOM[:20]}", message_id=(await staff.next_message()).message_id)
    invitation = (await staff.next_message()).content
    match = re.search(r"https://t\.me/examiner_test_bot\?start=(inv_[0-9a-f]{24})", invitation)
    assert match, invitation
    liaison = bot.user(8100, "钱联络")
    await liaison.send_command("/start", match.group(1))
    welcome = await message_containing(liaison, "联络人")
    assert f"您已成为「{TELECOM}」的联络人" in welcome.content

    # 4. review: the first in the queue is approved, the second rejected with a preset reason
    await staff.press("审核队列")
    photo = await staff.next_message()
    assert photo.photo is not None
    proof_message = await staff.next_message()
    assert proof_message.document is not None and proof_message.document.file_name == "证书扫描件.pdf"
    first = await staff.next_message()
    assert (
        "待审核报名 1/3" in first.content and wang.id_number in first.content and wang.mobile in first.content
    )
    assert "符合申报条件" in first.content
    await staff.press("✅ 审核通过", message_id=first.message_id)
    assert "已通过 王芳 的报名，考生已收到通知" in (await message_containing(staff, "已通过")).content
    second = await message_containing(staff, "待审核报名 1/2")
    assert "李强" in second.content
    await staff.press("❌ 不通过", message_id=second.message_id)
    reasons = await staff.next_message()
    preset = reasons.buttons[0]
    await staff.press(preset, message_id=reasons.message_id)
    assert "已驳回 李强 的报名" in (await message_containing(staff, "已驳回")).content

    # 5. the candidates hear at once; the third is untouched
    approved = await candidates[8001].next_message()
    assert "审核通过" in approved.content
    rejected = await candidates[8002].next_message()
    assert "审核未通过" in rejected.content and preset in rejected.content
    await candidates[8003].expect_silence(0.2)
    db = Database(database_url)
    try:
        assert wang.registration_id and li.registration_id and zhao.registration_id
        assert (await registration_status(db, wang.registration_id))[0] == "approved"
        assert (await registration_status(db, li.registration_id))[:2] == ("rejected", preset)
        assert (await registration_status(db, zhao.registration_id))[0] == "submitted"
    finally:
        await db.dispose()

    # 6. the liaison's roster holds exactly the telecom branch's people, masked
    await liaison.send_command("/roster")
    roster = await liaison.next_message()
    assert f"花名册：{TELECOM}" in roster.content and "共 2 人" in roster.content
    assert "· 审核通过：1" in roster.content and "· 审核未通过：1" in roster.content
    assert "赵敏" not in roster.content
    await liaison.press("下载花名册 Excel", message_id=roster.message_id)
    document = await liaison.next_message()
    assert document.document is not None
    rows = list(load_workbook(io.BytesIO(document.document.data)).worksheets[0].iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["李强", "王芳"]
    assert all("*" in str(r[1]) and "*" in str(r[2]) for r in rows[1:])
    assert wang.id_number not in str(rows)


async def test_a_new_liaison_replaces_the_old_one_who_is_told(bot: BotHarness, database_url: str) -> None:
    db = Database(database_url)
    try:
        await make_institution(db, name=TELECOM)
    finally:
        await db.dispose()
    staff = bot.staff()
    links = []
    for _ in range(2):
        await staff.send_command("/staff")
        await staff.next_message()
        await staff.press("邀请联络人")
        await staff.press(f"邀请联络人：{TELECOM[:20]}", message_id=(await staff.next_message()).message_id)
        found = re.search(r"start=(inv_\w+)", (await staff.next_message()).content)
        assert found
        links.append(found.group(1))
    old, new = bot.user(8201, "旧联络人"), bot.user(8202, "新联络人")
    await old.send_command("/start", links[0])
    await message_containing(old, "您已成为")
    await new.send_command("/start", links[1])
    await message_containing(new, "您已成为")
    assert "不再担任" in (await old.next_message()).content
    # the used link is refused and changes nothing
    intruder = bot.user(8203, "路人")
    await intruder.send_command("/start", links[1])
    assert "已经被使用过" in (await message_containing(intruder, "链接")).content
    await new.send_command("/roster")
    assert TELECOM in (await new.next_message()).content
    await old.send_command("/roster")
    assert "仅限机构联络人" in (await old.next_message()).content
