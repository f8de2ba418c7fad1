"""The seal on certificates and tickets: a placeholder until staff confirm one, then always the seal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from core.certificates import seals
from core.certificates.service import my_certificate
from core.db import Database
from core.db.models import IssuedCertificate, Plan, Seal
from core.errors import Conflict, NotAllowed
from core.offline.batches import assign
from core.offline.tickets import my_ticket
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import (
    STAFF,
    STAFF_IDS,
    TZ,
    make_candidate,
    make_institution,
    make_plan,
    pdf_text,
    seated_batch,
)
from tests.seal_samples import put_seal_in_use, seal_png
from tests.service.test_certificates import certified

PLACEHOLDER = "未加盖印章（样本）"
ISSUER_NAME = "安徽省职业技能鉴定中心"


async def test_an_unsealed_certificate_says_so_and_is_not_kept(db: Database) -> None:
    await certified(db)
    document = await my_certificate(db, TelegramIdentity(1001))
    text = pdf_text(document.pdf)
    assert PLACEHOLDER in text
    for expected in ("发证机构：安徽省职业技能鉴定中心", "发证日期：2026年9月1日", "性", "男"):
        assert expected in text, expected
    assert "有效期" not in text  # the plan sets no validity period
    async with db.uow() as uow:
        assert await uow.session.scalar(select(IssuedCertificate.pdf)) is None


async def test_once_a_seal_is_confirmed_the_certificate_is_sealed_and_kept(db: Database) -> None:
    await certified(db)
    await put_seal_in_use(db)
    first = await my_certificate(db, TelegramIdentity(1001))
    assert PLACEHOLDER not in pdf_text(first.pdf)
    await put_seal_in_use(db, seal_png(colour=(180, 0, 40)))  # a new seal later changes nothing issued
    second = await my_certificate(db, TelegramIdentity(1001))
    assert second.pdf == first.pdf
    async with db.uow() as uow:
        assert await uow.session.scalar(select(IssuedCertificate.pdf)) == first.pdf


async def test_a_seal_not_yet_confirmed_is_not_printed(db: Database) -> None:
    await certified(db)
    await seals.start_upload(db, STAFF, STAFF_IDS)
    await seals.receive(db, STAFF, STAFF_IDS, seal_png())
    assert PLACEHOLDER in pdf_text((await my_certificate(db, TelegramIdentity(1001))).pdf)


async def test_the_validity_period_is_printed_when_the_plan_sets_one(db: Database) -> None:
    plan = await make_plan(db)
    async with db.uow() as uow:
        await uow.session.execute(update(Plan).where(Plan.id == plan).values(certificate_valid_years=3))
        await uow.commit()
    await certified_in(db, plan)
    text = pdf_text((await my_certificate(db, TelegramIdentity(1001))).pdf)
    assert "有效期" in text and "2026年9月1日至2029年8月31日" in text


async def certified_in(db: Database, plan: int) -> None:
    from core.offline.exam import record_result
    from core.offline.tickets import check_in, open_checkin
    from tests.e2e.offline_factories import ISSUER, TODAY, ticket_of

    await make_candidate(db, 1001, "张三", plan)
    batch = await seated_batch(db, plan)
    await assign(db, STAFF, STAFF_IDS, batch)
    await open_checkin(db, STAFF, STAFF_IDS, batch)
    ticket = await ticket_of(db, 1001)
    await check_in(db, STAFF, STAFF_IDS, ticket, TZ)
    await record_result(db, STAFF, STAFF_IDS, [ticket, "93", "合格"], TODAY, ISSUER)


async def _seated(db: Database) -> None:
    plan = await make_plan(db)
    institution = await make_institution(db, "中国石化销售股份有限公司安徽石油分公司")
    await make_candidate(db, 1001, "张三", plan, institution_id=institution, occupation="电工")
    await assign(db, STAFF, STAFF_IDS, await seated_batch(db, plan))


async def test_the_ticket_prints_issuer_employer_occupation_notes_and_signature_line(db: Database) -> None:
    await _seated(db)
    text = pdf_text((await my_ticket(db, TelegramIdentity(1001), TZ, ISSUER_NAME)).pdf)
    for expected in (
        ISSUER_NAME,
        "签发机构：安徽省职业技能鉴定中心",
        "工作单位",
        "中国石化销售股份有限公司安徽石油分公司",
        "申报职业",
        "电工",
        "考生须知",
        "考生须凭本准考证和有效身份证件",
        "考生签名：",
        PLACEHOLDER,
    ):
        assert expected in text, expected


async def test_the_ticket_carries_the_seal_once_confirmed(db: Database) -> None:
    await _seated(db)
    await put_seal_in_use(db)
    text = pdf_text((await my_ticket(db, TelegramIdentity(1001), TZ, ISSUER_NAME)).pdf)
    assert PLACEHOLDER not in text and "签发机构" in text


async def test_the_same_seal_is_stored_once(db: Database) -> None:
    await seals.start_upload(db, STAFF, STAFF_IDS)
    first = await seals.receive(db, STAFF, STAFF_IDS, seal_png())
    again = await seals.receive(db, STAFF, STAFF_IDS, seal_png())
    assert first.seal_id == again.seal_id
    await seals.confirm(db, STAFF, STAFF_IDS, first.seal_id)
    await seals.start_upload(db, STAFF, STAFF_IDS)
    with pytest.raises(Conflict) as caught:
        await seals.receive(db, STAFF, STAFF_IDS, seal_png())
    assert caught.value.key == "documents.seal.same"
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Seal)) == 1


async def test_only_staff_upload_a_seal(db: Database) -> None:
    with pytest.raises(NotAllowed):
        await seals.start_upload(db, TelegramIdentity(1001), STAFF_IDS)
