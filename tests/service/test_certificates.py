"""E-certificates: the PDF states who, what and by whom, renders anywhere, and never changes later."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.certificates.examiners import export_examiners
from core.certificates.numbers import is_well_formed
from core.certificates.service import my_certificate
from core.db import Database
from core.db.models import IssuedCertificate
from core.errors import NotAllowed
from core.offline.batches import assign
from core.offline.exam import record_result
from core.offline.tickets import check_in, open_checkin
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import (
    ISSUER,
    STAFF,
    STAFF_IDS,
    TODAY,
    TZ,
    make_candidate,
    make_plan,
    pdf_page_png,
    pdf_text,
    seated_batch,
    ticket_of,
)
from tests.seal_samples import put_seal_in_use


async def certified(db: Database, names: tuple[str, ...] = ("张三",)) -> list[str]:
    """Carry candidates from a passed quiz to an issued certificate; their certificate numbers."""
    plan = await make_plan(db)
    for i, name in enumerate(names):
        await make_candidate(db, 1001 + i, name, plan)
    batch = await seated_batch(db, plan)
    await assign(db, STAFF, STAFF_IDS, batch)
    await open_checkin(db, STAFF, STAFF_IDS, batch)
    numbers = []
    for i in range(len(names)):
        ticket = await ticket_of(db, 1001 + i)
        await check_in(db, STAFF, STAFF_IDS, ticket, TZ)
        report = await record_result(db, STAFF, STAFF_IDS, [ticket, "93", "合格"], TODAY, ISSUER)
        number = report.recorded[0].certificate_no
        assert number is not None
        numbers.append(number)
    return numbers


async def test_the_certificate_states_name_occupation_levels_number_date_issuer_and_link(
    db: Database,
) -> None:
    [number] = await certified(db)
    assert is_well_formed(number)
    document = await my_certificate(db, TelegramIdentity(1001))
    text = pdf_text(document.pdf)
    for expected in (
        "张三",
        "电工",
        "五级/初级工",
        "四级/中级工",
        "三级/高级工",
        number,
        "2026年9月1日",
        "安徽省职业技能鉴定中心",
    ):
        assert expected in text, expected
    assert f"http://127.0.0.1:8080/verify?no={number}" in text
    assert pdf_page_png(document.pdf).startswith(b"\x89PNG")


async def test_downloading_again_gives_the_very_same_document(db: Database) -> None:
    await certified(db)
    await put_seal_in_use(db)  # a sealed certificate is kept; before the seal each download is a sample
    first = await my_certificate(db, TelegramIdentity(1001))
    second = await my_certificate(db, TelegramIdentity(1001))
    assert first.pdf == second.pdf and first.filename == second.filename
    async with db.uow() as uow:
        stored = await uow.session.scalar(select(IssuedCertificate.pdf))
    assert stored == first.pdf


@pytest.mark.parametrize("name", ["欧阳龘", "王𠮷", "阿依古丽·买买提"])
async def test_names_with_rare_characters_are_printed_and_extractable(db: Database, name: str) -> None:
    await certified(db, (name,))
    document = await my_certificate(db, TelegramIdentity(1001))
    assert name in pdf_text(document.pdf)
    assert pdf_page_png(document.pdf).startswith(b"\x89PNG")


async def test_no_certificate_before_passing_the_exam(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 1001, "张三", plan)
    with pytest.raises(NotAllowed) as caught:
        await my_certificate(db, TelegramIdentity(1001))
    assert caught.value.key == "certs.cert.none"


async def test_staff_export_the_examiner_database_as_excel(db: Database) -> None:
    numbers = await certified(db, ("张三", "李四"))
    data, count = await export_examiners(db, STAFF, STAFF_IDS)
    assert count == 2
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["姓名", "证件号码", "工作单位", "考评职业（工种）", "考评等级"]
    assert [r[0] for r in rows[1:]] == ["张三", "李四"]
    assert [r[5] for r in rows[1:]] == numbers
    assert rows[1][4] == "五级/初级工、四级/中级工、三级/高级工"
    with pytest.raises(NotAllowed):
        await export_examiners(db, TelegramIdentity(1001), STAFF_IDS)
