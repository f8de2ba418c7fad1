"""Each plan's bank and blueprint on a real database: staff-only import by plan, bad files change nothing,
blueprints checked against the plan's bank, and no swap under an open attempt without confirmation."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import AttemptItem, BankQuestion, BlueprintEntry
from core.errors import InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.quiz import content_imports
from core.quiz import service as quiz
from core.quiz.bank import BankSummary, store_blueprint
from core.quiz.content_imports import Imported, NeedsConfirmation
from core.quiz.views import QuestionScreen
from core.rules import Blueprint, BlueprintItem, QuestionType
from tests.e2e.study_factories import SHANGHAI, make_plan
from tests.service.test_quiz import begin, ready

STAFF_ID = 900001
STAFF = frozenset({STAFF_ID})
ME = TelegramIdentity(STAFF_ID, "工作人员")
HEADER = "题号,题型,分类,题干,选项A,选项B,选项C,答案,分值\n"
PAPER = "题型,分类,题数,每题分值\n"


async def send(
    db: Database, kind: str, plan_id: int, text: str, who: TelegramIdentity = ME, name: str = "file.csv"
) -> Imported | NeedsConfirmation:
    await content_imports.start(db, who, STAFF, kind)
    await content_imports.choose_plan(db, who, STAFF, kind, plan_id)
    return await content_imports.import_file(db, who, STAFF, (text.encode(), name, "file-id"))


async def stems(db: Database, plan_id: int | None) -> list[str]:
    async with db.uow() as uow:
        query = select(BankQuestion.stem).where(
            BankQuestion.plan_id.is_(None) if plan_id is None else BankQuestion.plan_id == plan_id
        )
        return sorted((await uow.session.scalars(query)).all())


async def test_staff_import_a_plans_questions_and_reimporting_updates_them(db: Database) -> None:
    plan_id = await make_plan(db, with_content=False)
    other = await make_plan(db, plan_no="2020120000000020", with_content=False)
    data = HEADER + "Q1,单选题,政策,题一,甲,乙,丙,B,10\nQ2,判断题,政策,题二,,,,对,10\n"
    first = await send(db, "questions", plan_id, data)
    again = await send(db, "questions", plan_id, data.replace("题一", "新题一"))
    assert isinstance(first, Imported) and isinstance(again, Imported)
    assert isinstance(first.summary, BankSummary) and isinstance(again.summary, BankSummary)
    assert (first.summary.added, again.summary.added, again.summary.updated) == (2, 0, 2)
    assert await stems(db, plan_id) == ["新题一", "题二"]
    await send(db, "questions", other, data)
    assert await stems(db, other) == ["题一", "题二"] and await stems(db, plan_id) == ["新题一", "题二"]


async def test_a_candidate_cannot_import_and_a_bad_file_changes_nothing(db: Database) -> None:
    plan_id = await make_plan(db, with_content=False)
    good = HEADER + "Q1,单选题,政策,题一,甲,乙,丙,B,10\n"
    with pytest.raises(NotAllowed):
        await send(db, "questions", plan_id, good, who=TelegramIdentity(42, "考生"))
    await send(db, "questions", plan_id, good)
    with pytest.raises(InvalidInput) as refused:
        await send(db, "questions", plan_id, HEADER + "Q1,单选题,政策,改过的题,甲,乙,丙,D,10\n")
    assert "第 2 行「答案」" in refused.value.params["details"]
    assert await stems(db, plan_id) == ["题一"]


async def test_a_blueprint_is_checked_against_its_own_plans_bank(db: Database) -> None:
    plan_id = await make_plan(db, with_content=False)
    await send(
        db, "questions", plan_id, HEADER + "".join(f"Q{n},判断题,政策,题{n},,,,对,10\n" for n in range(8))
    )
    with pytest.raises(InvalidInput) as short:
        await send(db, "blueprint", plan_id, PAPER + "判断题,政策,10,10\n")
    assert (
        "第 2 行「题数」：题库中「判断题·政策」只有 8 道，这一行要 10 道，少 2 道"
        in short.value.params["details"]
    )
    done = await send(db, "blueprint", plan_id, PAPER + "判断题,政策,5,20\n")
    assert isinstance(done, Imported)
    async with db.uow() as uow:
        assert (await uow.session.scalars(select(BlueprintEntry.count))).all() == [5]


async def test_a_bank_import_that_would_starve_the_plans_paper_is_refused(db: Database) -> None:
    plan_id = await make_plan(db, with_content=False)
    await send(
        db, "questions", plan_id, HEADER + "".join(f"Q{n},判断题,政策,题{n},,,,对,10\n" for n in range(5))
    )
    await send(db, "blueprint", plan_id, PAPER + "判断题,政策,5,20\n")
    with pytest.raises(InvalidInput) as refused:
        await send(db, "questions", plan_id, HEADER + "Q0,判断题,方法,改了分类,,,,对,10\n")
    assert refused.value.key == "quiz.import.bank_breaks_blueprint"
    assert "只有 4 道，这一行要 5 道，少 1 道" in refused.value.params["details"]


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


async def test_swapping_a_blueprint_under_an_open_attempt_waits_for_confirmation(db: Database) -> None:
    clock, plan_id = await ready(db, 615)
    screen = await begin(db, 615, clock)
    async with db.uow() as uow:
        drawn = [(i.stem, i.options) for i in (await uow.session.scalars(select(AttemptItem))).all()]
    paper = PAPER + "单选题,政策法规与职业道德,10,10\n"
    held = await send(db, "blueprint", plan_id, paper)
    assert isinstance(held, NeedsConfirmation) and held.open_attempts == 1
    async with db.uow() as uow:
        assert sorted((await uow.session.scalars(select(BlueprintEntry.count))).all()) == [3, 3, 4]
    assert await content_imports.held_file(db, ME, STAFF) == ("file-id", "file.csv")
    done = await content_imports.import_file(
        db, ME, STAFF, (paper.encode(), "file.csv", "file-id"), confirmed=True
    )
    assert isinstance(done, Imported)
    async with db.uow() as uow:
        assert (await uow.session.scalars(select(BlueprintEntry.count))).all() == [10]
        after = [(i.stem, i.options) for i in (await uow.session.scalars(select(AttemptItem))).all()]
    assert after == drawn
    again = await quiz.resume(db, 615, now=clock(), tz=SHANGHAI)
    assert isinstance(again, QuestionScreen) and (again.stem, again.options) == (screen.stem, screen.options)


async def test_keeping_the_bank_forgets_the_held_file(db: Database) -> None:
    clock, plan_id = await ready(db, 616)
    await begin(db, 616, clock)
    sample = resources.files("core.content").joinpath("question_bank.csv").read_text("utf-8")
    held = await send(db, "questions", plan_id, sample + "N1,单选题,政策,新题,甲,乙,丙,,,B,2\n")
    assert isinstance(held, NeedsConfirmation)
    assert "新题" not in await stems(db, None) + await stems(db, plan_id)
    await content_imports.drop_held_file(db, ME, STAFF)
    with pytest.raises(NotAllowed):
        await content_imports.held_file(db, ME, STAFF)
