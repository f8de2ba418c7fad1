"""Rosters: liaisons see only their institution with masked numbers; staff see all with filters."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core.db import Database
from core.errors import NotAllowed
from core.people.stages import Stage
from core.people.users import TelegramIdentity
from core.review import rosters
from tests.e2e.factories import make_candidate, make_institution, make_liaison

STAFF = TelegramIdentity(900001, "工作人员")
STAFF_IDS = frozenset({900001})
LIAISON = TelegramIdentity(5000, "联络人")


async def two_institutions(db: Database) -> tuple[int, int]:
    mine = await make_institution(db, name="本机构")
    other = await make_institution(db, name="其他机构")
    await make_liaison(db, LIAISON.telegram_id, mine)
    await make_candidate(db, 5001, mine, status="draft", name="甲")
    await make_candidate(db, 5002, mine, status="submitted", name="乙")
    await make_candidate(db, 5003, mine, status="approved", name="丙")
    await make_candidate(db, 5004, other, status="rejected", name="丁")
    await make_candidate(db, 5005, mine, status=None, name="戊")
    return mine, other


async def test_a_liaison_sees_counts_and_deadlines_of_their_own_people_only(db: Database) -> None:
    await two_institutions(db)
    roster = await rosters.liaison_roster(db, LIAISON)
    assert roster.scope == "本机构"
    assert {p.name for p in roster.people} == {"甲", "乙", "丙", "戊"}
    assert roster.counts[Stage.DRAFT] == 2 and roster.counts[Stage.SUBMITTED] == 1
    assert roster.counts[Stage.APPROVED] == 1 and roster.counts[Stage.REJECTED] == 0
    assert {p.name for p in roster.behind} == {"甲", "丙", "戊"}
    assert all("*" in p.id_number and "*" in p.mobile for p in roster.people)


async def test_a_liaison_asking_for_another_institution_is_refused(db: Database) -> None:
    _, other = await two_institutions(db)
    with pytest.raises(NotAllowed) as caught:
        await rosters.liaison_roster(db, LIAISON, other)
    assert caught.value.key == "liaison.not_yours"
    with pytest.raises(NotAllowed):
        await rosters.staff_roster(db, LIAISON, STAFF_IDS, other)


async def test_candidates_have_no_roster(db: Database) -> None:
    await two_institutions(db)
    with pytest.raises(NotAllowed):
        await rosters.liaison_roster(db, TelegramIdentity(5001))


async def test_staff_see_everyone_with_full_numbers_and_filters(db: Database) -> None:
    mine, other = await two_institutions(db)
    everyone = await rosters.staff_roster(db, STAFF, STAFF_IDS)
    assert len(everyone.people) == 5 and not any("*" in p.id_number for p in everyone.people)
    only_other = await rosters.staff_roster(db, STAFF, STAFF_IDS, other)
    assert [p.name for p in only_other.people] == ["丁"]
    drafts = await rosters.staff_roster(db, STAFF, STAFF_IDS, mine, Stage.DRAFT)
    assert {p.name for p in drafts.people} == {"甲", "戊"}


async def test_the_liaison_excel_masks_id_and_phone_numbers(db: Database) -> None:
    await two_institutions(db)
    roster = await rosters.liaison_roster(db, LIAISON)
    book = load_workbook(io.BytesIO(rosters.roster_workbook(roster)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "证件号码", "手机号码")
    assert len(rows) == 5
    assert all("*" in str(r[1]) and "*" in str(r[2]) for r in rows[1:])
