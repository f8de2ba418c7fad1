"""Each plan's question bank and blueprint: stored from staff imports, and the sample for the sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import BankQuestion, BlueprintEntry
from core.plans.content import content_plan
from core.quiz.imports import (
    BlueprintLine,
    ParsedQuestion,
    blueprint_lines,
    check_blueprint,
    parse_bank,
    parse_blueprint_file,
    sample_bank,
    sample_blueprint,
)
from core.quiz.scoring import Blueprint, BlueprintItem, Question, QuestionType, validate_blueprint


@dataclass(frozen=True, slots=True)
class BankSummary:
    """What a bank import changed, by type."""

    added: int
    updated: int
    by_type: tuple[tuple[str, int], ...]


def as_rule_question(row: BankQuestion) -> Question:
    """The bank row as the pure rules see it; the id is the row id as text."""
    return Question(
        str(row.id), QuestionType(row.type), row.category, row.stem, tuple(row.options), frozenset(row.answer)
    )


def _of_plan(plan_id: int | None) -> ColumnElement[bool]:
    return BankQuestion.plan_id.is_(None) if plan_id is None else BankQuestion.plan_id == plan_id


async def plan_bank(session: AsyncSession, plan_id: int) -> list[BankQuestion]:
    """The questions a plan's papers draw from: its own bank, else the shared one from before."""
    for owner in (plan_id, None):
        rows = (
            await session.scalars(select(BankQuestion).where(_of_plan(owner), BankQuestion.active.is_(True)))
        ).all()
        if rows:
            return list(rows)
    return []


async def plan_blueprint(session: AsyncSession, plan_id: int) -> Blueprint | None:
    """The plan's paper composition, or None when staff have not set one."""
    rows = (
        await session.scalars(
            select(BlueprintEntry).where(BlueprintEntry.plan_id == plan_id).order_by(BlueprintEntry.id)
        )
    ).all()
    if not rows:
        return None
    return Blueprint(tuple(BlueprintItem(QuestionType(r.type), r.category, r.count, r.points) for r in rows))


async def store_blueprint(session: AsyncSession, plan_id: int, blueprint: Blueprint) -> None:
    """Replace a plan's blueprint after checking it totals 100 and the plan's bank can fill it."""
    bank = [as_rule_question(q) for q in await plan_bank(session, plan_id)]
    validate_blueprint(blueprint, bank)
    await _replace_blueprint(session, plan_id, blueprint)


async def _replace_blueprint(session: AsyncSession, plan_id: int, blueprint: Blueprint) -> None:
    await session.execute(delete(BlueprintEntry).where(BlueprintEntry.plan_id == plan_id))
    session.add_all(
        BlueprintEntry(
            plan_id=plan_id, type=i.type.value, category=i.category, count=i.count, points=i.points
        )
        for i in blueprint.items
    )


async def _store_questions(
    session: AsyncSession, questions: Sequence[ParsedQuestion], plan_id: int | None
) -> BankSummary:
    rows = await session.scalars(select(BankQuestion).where(_of_plan(plan_id)))
    existing = {q.code: q for q in rows.all()}
    added = updated = 0
    for parsed in questions:
        row = existing.get(parsed.code)
        if row is None:
            row = BankQuestion(code=parsed.code, plan_id=plan_id)
            session.add(row)
            added += 1
        else:
            updated += 1
        row.type, row.category, row.stem = parsed.type.value, parsed.category, parsed.stem
        row.options, row.answer, row.points, row.active = (
            list(parsed.options),
            list(parsed.answer),
            parsed.points,
            True,
        )
    counts: dict[str, int] = {}
    for parsed in questions:
        counts[parsed.type.value] = counts.get(parsed.type.value, 0) + 1
    return BankSummary(added, updated, tuple(sorted(counts.items())))


async def apply_bank_file(session: AsyncSession, plan_id: int, data: bytes, filename: str) -> BankSummary:
    """Add or update a plan's questions; refused whole on a bad row or when its paper could not be drawn."""
    questions = parse_bank(data, filename)
    await content_plan(session, plan_id)
    summary = await _store_questions(session, questions, plan_id)
    await session.flush()
    blueprint = await plan_blueprint(session, plan_id)
    if blueprint is not None:
        lines = [BlueprintLine(item, None, n) for n, item in enumerate(blueprint.items, start=1)]
        bank = [as_rule_question(q) for q in await plan_bank(session, plan_id)]
        check_blueprint(lines, bank, "quiz.import.bank_breaks_blueprint")
    return summary


async def seed_sample_bank(session: AsyncSession, plan_id: int) -> bool:
    """Load the sample bank as the shared one and give the plan the sample blueprint, unless a bank exists."""
    if await session.scalar(select(BankQuestion.id).limit(1)) is not None:
        return False
    await _store_questions(session, sample_bank(), None)
    await session.flush()
    await store_blueprint(session, plan_id, sample_blueprint())
    return True


@dataclass(frozen=True, slots=True)
class BlueprintSummary:
    """The blueprint now in force for a plan."""

    lines: tuple[str, ...]
    questions: int


async def apply_blueprint_file(
    session: AsyncSession, plan_id: int, data: bytes, filename: str
) -> BlueprintSummary:
    """Give a plan this paper composition, once it totals 100 and the plan's bank can fill every line."""
    lines = parse_blueprint_file(data, filename)
    await content_plan(session, plan_id)
    blueprint = check_blueprint(lines, [as_rule_question(q) for q in await plan_bank(session, plan_id)])
    await _replace_blueprint(session, plan_id, blueprint)
    return BlueprintSummary(tuple(blueprint_lines(blueprint)), sum(i.count for i in blueprint.items))
