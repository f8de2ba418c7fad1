"""我的数据 and /privacy on a real database: an export's contents, an erasure that leaves nothing behind."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.certificates.service import my_certificate, verify
from core.db import Database
from core.db.models import AuditEntry, Base, KnownCertificate, MailRequest, Photo, Profile, User
from core.errors import InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.privacy import service as privacy
from tests.e2e.factories import make_candidate, make_institution
from tests.e2e.offline_factories import STAFF, STAFF_IDS
from tests.service.test_certificates import certified


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


async def everything(db: Database) -> list[tuple[str, str, Any]]:
    """Every value of every column of every table: (table, column, value)."""
    found = []
    async with db.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for row in (await uow.session.execute(select(table))).mappings():
                found += [(table.name, column, value) for column, value in row.items() if value is not None]
    return found


async def test_an_export_holds_every_field_in_full_with_the_photo_and_proofs(db: Database) -> None:
    institution = await make_institution(db, "中国电信股份有限公司安徽分公司")
    me = await make_candidate(db, 6001, institution, name="王芳", proof_file_id="proof-file-6001")
    result = await privacy.export_mine(db, TelegramIdentity(6001))
    rows = sheet_rows(result.workbook)
    assert rows[0] == ("类别", "项目", "内容")
    values = {(section, item): value for section, item, value in rows[1:]}
    assert values[("个人信息", "证件号码")] == me.id_number
    assert values[("个人信息", "手机号码")] == me.mobile
    assert values[("个人信息", "电子邮箱")] == "c6001@example.com"
    assert values[("个人信息", "姓名")] == "王芳"
    assert values[("个人信息", "单位名称")] == "中国电信股份有限公司安徽分公司"
    assert values[("佐证材料", "S0000006001")] == "证书扫描件.pdf"
    assert ("同意记录", "敏感个人信息单独同意") in values
    assert any(section == "报名" and "电工" in str(value) for section, _, value in rows[1:])
    async with db.uow() as uow:
        photo = await uow.session.scalar(select(Photo.data))
    assert [(f.file_name, f.data, f.telegram_file_id) for f in result.files] == [
        ("照片.png", photo, None),
        ("证书扫描件.pdf", None, "proof-file-6001"),
    ]
    async with db.uow() as uow:
        entry = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))
        assert entry is not None and entry.actor_user_id == me.user_id and entry.after is not None
        assert entry.after["reason"] == "本人在「我的数据」中导出"


async def test_what_a_person_sees_of_their_own_data_is_masked(db: Database) -> None:
    me = await make_candidate(db, 6002, None, name="欧阳明月")
    held = await privacy.my_data(db, TelegramIdentity(6002))
    assert held.id_number == me.id_number[:3] + "*" * 11 + me.id_number[-4:]
    masked_mobile = me.mobile[:3] + "****" + me.mobile[-4:]
    assert (held.name, held.mobile, held.email) == ("欧**月", masked_mobile, "c***@example.com")
    assert (held.has_photo, held.registrations, held.proofs, len(held.consents)) == (True, 1, 1, 2)


async def test_after_erasure_the_id_phone_and_photo_are_gone_and_the_certificate_verifies_masked(
    db: Database,
) -> None:
    [number] = await certified(db, ("欧阳明月",))
    holder = TelegramIdentity(1001)
    await my_certificate(db, holder)  # the first rendering (with the photo) is kept
    async with db.uow() as uow:
        profile = await uow.session.scalar(select(Profile).join(User).where(User.telegram_id == 1001))
        assert profile is not None and profile.id_number and profile.mobile
        id_number, mobile = profile.id_number, profile.mobile
        photo = await uow.session.scalar(select(Photo.data).where(Photo.user_id == profile.user_id))
        known = KnownCertificate(
            name="欧阳明月", id_number=id_number, number="S1", occupation="电工", level="三级/高级工"
        )
        mail = MailRequest(certificate_id=1, user_id=profile.user_id, recipient="欧阳明月", mobile=mobile,
                           address="合肥市蜀山区黄山路 100 号", postcode="230001")  # fmt: skip
        uow.session.add_all([known, mail])
        await uow.commit()
    assert photo is not None
    before = await everything(db)
    assert any(id_number in str(v) for _, _, v in before) and any(v == photo for _, _, v in before)

    request = await privacy.request_erasure(db, holder)
    assert await privacy.request_erasure(db, holder) == request
    [waiting] = await privacy.find(db, STAFF, STAFF_IDS, "", "")
    assert waiting.erasure_pending and waiting.name == "欧**月"
    [found] = await privacy.find(db, STAFF, STAFF_IDS, id_number, "")
    done = await privacy.erase(db, STAFF, STAFF_IDS, found.user_id)
    assert done.telegram_id == 1001 and done.deleted.photos == 1 and done.deleted.certificates_kept == 1

    for table, column, value in await everything(db):
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        assert id_number not in text and mobile not in text, (table, column)
        assert "欧阳明月" not in text, (table, column)
        assert not (isinstance(value, bytes) and photo in value), (table, column)
    result = await verify(db, number)
    assert (result.status, result.masked_name, result.number) == ("valid", "欧**月", number)
    async with db.uow() as uow:
        entry = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
        assert entry is not None and entry.after is not None
        assert entry.after["reason"] == f"本人在「我的数据」中申请删除（申请 #{request}）"
    assert (await privacy.my_data(db, holder)).certificates == 1


async def test_staff_erasing_without_a_request_must_say_why_and_others_cannot_at_all(db: Database) -> None:
    me = await make_candidate(db, 6003, None, name="李强")
    with pytest.raises(NotAllowed):
        await privacy.find(db, TelegramIdentity(6003), STAFF_IDS, "李强", "")
    [found] = await privacy.find(db, STAFF, STAFF_IDS, "李强", "")
    with pytest.raises(InvalidInput, match=r"privacy\.staff\.reason_needed"):
        await privacy.erase(db, STAFF, STAFF_IDS, found.user_id)
    await privacy.find(db, STAFF, STAFF_IDS, me.id_number, "本人来电申请删除")
    await privacy.erase(db, STAFF, STAFF_IDS, found.user_id)
    async with db.uow() as uow:
        entry = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
        assert entry is not None and entry.after is not None and entry.after["reason"] == "本人来电申请删除"
        staff_user = await uow.session.scalar(select(User.id).where(User.telegram_id == STAFF.telegram_id))
        assert entry.actor_user_id == staff_user
