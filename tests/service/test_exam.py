"""Qualification exam results: a sheet or one entry; unknown, absent or malformed input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import Examiner, ExamResult, IssuedCertificate, User
from core.errors import InvalidInput
from core.offline.batches import assign
from core.offline.exam import exam_results_for, import_results, record_result
from core.offline.tickets import check_in, open_checkin
from core.profile.identity import make_resident_id
from tests.e2e.offline_factories import (
    ISSUER,
    STAFF,
    STAFF_IDS,
    TODAY,
    TZ,
    make_candidate,
    make_plan,
    results_xlsx,
    seated_batch,
    ticket_of,
)

HEADERS = ["准考证号", "证件号码", "成绩", "考试结果"]


async def _checked_in(db: Database, names: tuple[str, ...] = ("张三", "李四"), absent: int = 0) -> None:
    plan = await make_plan(db)
    for i, name in enumerate(names):
        await make_candidate(db, 1001 + i, name, plan)
    batch = await seated_batch(db, plan)
    await assign(db, STAFF, STAFF_IDS, batch)
    await open_checkin(db, STAFF, STAFF_IDS, batch)
    for i in range(len(names) - absent):
        await check_in(db, STAFF, STAFF_IDS, await ticket_of(db, 1001 + i), TZ)


async def _counts(db: Database) -> tuple[int, int, int]:
    async with db.uow() as uow:
        s = uow.session
        return (
            int(await s.scalar(select(func.count()).select_from(ExamResult)) or 0),
            int(await s.scalar(select(func.count()).select_from(Examiner)) or 0),
            int(await s.scalar(select(func.count()).select_from(IssuedCertificate)) or 0),
        )


async def test_an_imported_sheet_records_results_enters_passers_and_issues_their_certificates(
    db: Database,
) -> None:
    await _checked_in(db)
    sheet = results_xlsx(
        [*HEADERS, "考评等级"],
        [
            [await ticket_of(db, 1001), None, 95, "合格", "四级、三级"],
            [None, make_resident_id(seq=2), 70, "不合格", None],
        ],
    )
    report = await import_results(db, STAFF, STAFF_IDS, sheet, "成绩.xlsx", TODAY, ISSUER)
    assert [(n.name, n.score, n.passed) for n in report.recorded] == [("张三", 95, True), ("李四", 70, False)]
    assert report.recorded[0].certificate_no is not None and report.recorded[1].certificate_no is None
    assert await _counts(db) == (2, 1, 1)
    async with db.uow() as uow:
        examiner = await uow.session.scalar(select(Examiner))
        assert examiner is not None
        assert (examiner.name, examiner.occupation, examiner.levels) == (
            "张三",
            "电工",
            ["四级/中级工", "三级/高级工"],
        )
        user_id = await uow.session.scalar(select(User.id).where(User.telegram_id == 1001))
        assert user_id is not None
        views = await exam_results_for(uow.session, user_id)
    assert [(v.score, v.passed, v.certificate_no) for v in views] == [
        (95, True, report.recorded[0].certificate_no)
    ]


async def test_results_for_unknown_or_absent_candidates_refuse_the_whole_sheet(db: Database) -> None:
    await _checked_in(db, ("张三", "李四"), absent=1)
    sheet = results_xlsx(
        HEADERS,
        [
            [await ticket_of(db, 1001), None, 95, "合格"],
            [None, make_resident_id(seq=777), 88, "合格"],
            [await ticket_of(db, 1002), None, 91, "合格"],
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        await import_results(db, STAFF, STAFF_IDS, sheet, "成绩.xlsx", TODAY, ISSUER)
    assert caught.value.key == "imports.results.refused" and caught.value.params["count"] == 2
    details = caught.value.params["details"]
    assert "第 3 行「证件号码」：找不到该考生" in details
    assert "第 4 行「准考证号」：该考生未签到（缺考）" in details
    assert await _counts(db) == (0, 0, 0)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x00\x01 not a spreadsheet", "成绩.xlsx"),
        ("姓名,分数\n张三,95\n".encode(), "成绩.csv"),
        ("准考证号,成绩,考试结果\n123,一百,优秀\n".encode(), "成绩.csv"),
    ],
)
async def test_a_malformed_results_file_is_refused_and_changes_nothing(
    db: Database, data: bytes, name: str
) -> None:
    await _checked_in(db)
    with pytest.raises(InvalidInput):
        await import_results(db, STAFF, STAFF_IDS, data, name, TODAY, ISSUER)
    assert await _counts(db) == (0, 0, 0)


async def test_one_result_by_id_number_and_a_correction_before_any_certificate(db: Database) -> None:
    await _checked_in(db)
    first = await record_result(
        db, STAFF, STAFF_IDS, [make_resident_id(seq=2), "55", "不合格"], TODAY, ISSUER
    )
    assert first.recorded[0].passed is False
    again = await record_result(
        db, STAFF, STAFF_IDS, [make_resident_id(seq=2), "91", "合格", "五级"], TODAY, ISSUER
    )
    assert again.recorded[0].certificate_no is not None
    assert await _counts(db) == (1, 1, 1)
    with pytest.raises(InvalidInput) as caught:
        await record_result(db, STAFF, STAFF_IDS, [make_resident_id(seq=2), "50", "不合格"], TODAY, ISSUER)
    assert "不能改为不合格" in caught.value.params["details"]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["张三", "95"], "offline.exam.usage"),
        (["340104198506150010", "101", "合格"], "offline.exam.bad_score"),
        (["340104198506150010", "95", "优秀"], "offline.exam.bad_verdict"),
        ([make_resident_id(seq=555), "95", "合格"], "offline.exam.refused"),
    ],
)
async def test_bad_single_entries_are_explained(db: Database, args: list[str], key: str) -> None:
    await _checked_in(db)
    with pytest.raises(InvalidInput) as caught:
        await record_result(db, STAFF, STAFF_IDS, args, TODAY, ISSUER)
    assert caught.value.key == key
    assert await _counts(db) == (0, 0, 0)
