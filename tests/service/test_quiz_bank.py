"""The question bank on a real database: staff-only import, bad files change nothing, checked blueprints."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import BankQuestion, BlueprintEntry
from core.errors import InvalidInput, NotAllowed
from core.quiz_bank import import_bank, store_blueprint
from core.rules import Blueprint, BlueprintItem, QuestionType
from tests.e2e.study_factories import make_plan

STAFF = frozenset({900001})
HEADER = "题号,题型,分类,题干,选项A,选项B,选项C,答案,分值\n"


async def test_staff_import_questions_and_reimporting_updates_them(db: Database) -> None:
    data = (HEADER + "Q1,单选题,政策,题一,甲,乙,丙,B,10\nQ2,判断题,政策,题二,,,,对,10\n").encode()
    first = await import_bank(db, 900001, STAFF, data, "bank.csv")
    again = await import_bank(db, 900001, STAFF, data.replace("题一".encode(), "新题一".encode()), "bank.csv")
    assert (first.added, again.added, again.updated) == (2, 0, 2)
    async with db.uow() as uow:
        stems = sorted((await uow.session.scalars(select(BankQuestion.stem))).all())
    assert stems == ["新题一", "题二"]


async def test_a_candidate_cannot_import_and_a_bad_file_changes_nothing(db: Database) -> None:
    good = (HEADER + "Q1,单选题,政策,题一,甲,乙,丙,B,10\n").encode()
    with pytest.raises(NotAllowed):
        await import_bank(db, 42, STAFF, good, "bank.csv")
    await import_bank(db, 900001, STAFF, good, "bank.csv")
    bad = (HEADER + "Q1,单选题,政策,改过的题,甲,乙,丙,D,10\n").encode()
    with pytest.raises(InvalidInput):
        await import_bank(db, 900001, STAFF, bad, "bank.csv")
    async with db.uow() as uow:
        assert (await uow.session.scalars(select(BankQuestion.stem))).all() == ["题一"]


async def test_a_blueprint_must_total_100_and_be_fillable_from_the_bank(db: Database) -> None:
    plan_id = await make_plan(db)
    short = Blueprint((BlueprintItem(QuestionType.SINGLE, "政策法规与职业道德", 5, 10),))
    greedy = Blueprint((BlueprintItem(QuestionType.SINGLE, "政策法规与职业道德", 50, 2),))
    async with db.uow() as uow:
        with pytest.raises(InvalidInput) as total:
            await store_blueprint(uow.session, plan_id, short)
        with pytest.raises(InvalidInput) as fill:
            await store_blueprint(uow.session, plan_id, greedy)
    assert total.value.key == "rules.quiz.blueprint_total" and fill.value.key == "rules.quiz.bank_short"
    async with db.uow() as uow:
        counts = (await uow.session.scalars(select(BlueprintEntry.count))).all()
    assert sorted(counts) == [3, 3, 4]
