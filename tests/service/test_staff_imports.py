"""Registry imports: whole files or nothing, errors by row and column, re-importing changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import AuditEntry, Certificate, Institution, KnownCertificate
from core.errors import InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.review import known_certificates
from core.review.institutions import import_institutions
from core.spreadsheets import TableInvalid
from tests.e2e.factories import (
    CERTIFICATE_HEADER,
    INSTITUTION_HEADER,
    csv_bytes,
    institution_rows,
    make_candidate,
    make_institution,
    uscc_for,
    xlsx_bytes,
)

STAFF = TelegramIdentity(900001, "工作人员")
STAFF_IDS = frozenset({900001})


async def count(db: Database, model: type) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model)) or 0


async def test_importing_the_registry_creates_then_reimporting_changes_nothing(db: Database) -> None:
    data = csv_bytes(institution_rows())
    first = await import_institutions(db, STAFF, STAFF_IDS, data, "名录.csv")
    second = await import_institutions(db, STAFF, STAFF_IDS, data, "名录.csv")
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    async with db.uow() as uow:
        member = await uow.session.scalar(
            select(Institution).where(Institution.name == "安徽建工集团股份有限公司")
        )
        parent = await uow.session.scalar(select(Institution).where(Institution.name == "安徽省建筑业协会"))
        assert member is not None and parent is not None
        assert (member.kind, member.parent_id, member.filing_status) == (
            "member_unit",
            parent.id,
            "to_be_filed",
        )
        actions = (await uow.session.scalars(select(AuditEntry.action))).all()
    assert actions.count("institution.create") == 3 and actions.count("institutions.import") == 2


async def test_a_changed_row_is_updated_and_audited_with_before_and_after(db: Database) -> None:
    rows = institution_rows()
    await import_institutions(db, STAFF, STAFF_IDS, xlsx_bytes(rows), "名录.xlsx")
    rows[3][4] = "已备案"
    report = await import_institutions(db, STAFF, STAFF_IDS, xlsx_bytes(rows), "名录.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    async with db.uow() as uow:
        entry = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "institution.update"))
        assert entry is not None and entry.before and entry.after
        assert (entry.before["filing_status"], entry.after["filing_status"]) == ("to_be_filed", "filed")


async def test_a_bad_check_character_rejects_the_whole_file_naming_row_and_column(db: Database) -> None:
    rows = institution_rows()
    bad = uscc_for(9)
    rows[2][1] = bad[:17] + ("0" if bad[17] != "0" else "1")
    with pytest.raises(TableInvalid) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, csv_bytes(rows), "名录.csv")
    assert [(e.row_number, e.column) for e in caught.value.errors] == [(3, "统一社会信用代码")]
    assert await count(db, Institution) == 0


async def test_wrong_types_and_statuses_are_reported_per_cell(db: Database) -> None:
    rows = institution_rows()
    rows[1][2] = "私营企业"
    rows[2][4] = "未备案"
    with pytest.raises(TableInvalid) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, csv_bytes(rows), "名录.csv")
    assert [(e.row_number, e.column) for e in caught.value.errors] == [(2, "类型"), (3, "备案状态")]
    assert await count(db, Institution) == 0


async def test_wrong_headers_are_refused(db: Database) -> None:
    rows = [["单位", "代码", "类别"], ["某单位", uscc_for(1), "央企驻皖分支机构"]]
    with pytest.raises(InvalidInput) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, csv_bytes(rows), "x.csv")
    assert caught.value.key == "spreadsheets.missing_headers"


async def test_merged_cells_are_refused(db: Database) -> None:
    data = xlsx_bytes(institution_rows(), merge="A2:B2")
    with pytest.raises(InvalidInput) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, data, "x.xlsx")
    assert caught.value.key == "spreadsheets.merged_cells"
    assert await count(db, Institution) == 0


async def test_empty_rows_are_skipped(db: Database) -> None:
    rows = institution_rows()
    rows.insert(2, ["", "", "", "", ""])
    rows.append(["", "", "", "", ""])
    report = await import_institutions(db, STAFF, STAFF_IDS, xlsx_bytes(rows), "x.xlsx")
    assert report.created == 3


async def test_a_hundred_thousand_rows_are_refused(db: Database) -> None:
    line = f"某机构,{uscc_for(1)},央企驻皖分支机构,,已备案\n"
    data = (",".join(INSTITUTION_HEADER) + "\n" + line * 100_000).encode()
    with pytest.raises(InvalidInput) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, data, "big.csv")
    assert caught.value.key == "spreadsheets.too_many_rows"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\x00\x01\x02 binary", b"PK\x03\x04 not really a zip", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old"],
)
async def test_a_file_that_is_not_a_spreadsheet_is_refused(db: Database, data: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, data, "x.xlsx")
    assert caught.value.key in ("spreadsheets.not_a_spreadsheet", "spreadsheets.old_excel")


async def test_member_units_need_a_known_parent_and_duplicates_are_refused(db: Database) -> None:
    rows = institution_rows()
    rows[3][3] = "不存在的协会"
    rows.append(["中国电信股份有限公司安徽分公司", uscc_for(1), "央企驻皖分支机构", "", "已备案"])
    with pytest.raises(InvalidInput) as caught:
        await import_institutions(db, STAFF, STAFF_IDS, csv_bytes(rows), "x.csv")
    assert caught.value.key == "spreadsheets.rows_invalid"
    details = caught.value.params["details"]
    assert "第 4 行「上级组织」：上级组织「不存在的协会」不在名录中" in details
    assert "第 5 行「统一社会信用代码」：与第 2 行重复" in details
    assert "第 5 行「机构名称」：与第 2 行重复" in details
    assert await count(db, Institution) == 0


async def test_candidates_cannot_import(db: Database) -> None:
    with pytest.raises(NotAllowed):
        await import_institutions(
            db, TelegramIdentity(5, "考生"), STAFF_IDS, csv_bytes(institution_rows()), "x.csv"
        )
    assert await count(db, Institution) == 0


async def test_certificate_import_verifies_matching_registrations_and_is_idempotent(db: Database) -> None:
    institution = await make_institution(db)
    match = await make_candidate(db, 2001, institution, certificate_number="S20010001")
    other = await make_candidate(db, 2002, institution, certificate_number="S20020002")
    rows = [
        CERTIFICATE_HEADER,
        [match.name, match.id_number, "S20010001", "电工", "三级"],
        [other.name, other.id_number, "S99999999", "电工", "高级工"],
    ]
    first = await known_certificates.import_certificates(db, STAFF, STAFF_IDS, xlsx_bytes(rows), "证书.xlsx")
    second = await known_certificates.import_certificates(db, STAFF, STAFF_IDS, xlsx_bytes(rows), "证书.xlsx")
    assert (first.created, first.verified) == (2, 1)
    assert (second.created, second.updated, second.unchanged, second.verified) == (0, 0, 2, 0)
    async with db.uow() as uow:
        verified = {
            n: v
            for n, v in (await uow.session.execute(select(Certificate.number, Certificate.verified))).all()
        }
        level = await uow.session.scalar(
            select(KnownCertificate.level).where(KnownCertificate.number == "S20010001")
        )
    assert verified == {"S20010001": True, "S20020002": False}
    assert level == "三级/高级工"


async def test_certificate_rows_with_bad_levels_or_ids_apply_nothing(db: Database) -> None:
    rows = [CERTIFICATE_HEADER, ["张三", "340104198506151234", "S1", "电工", "特级"]]
    with pytest.raises(TableInvalid) as caught:
        await known_certificates.import_certificates(db, STAFF, STAFF_IDS, csv_bytes(rows), "c.csv")
    columns = {e.column for e in caught.value.errors}
    assert columns == {"证件号码", "证书编号", "等级"}
    assert await count(db, KnownCertificate) == 0
