"""The question bank and each plan's blueprint: staff import, and the sample shipped for the sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import dialogs
from core.db import Database
from core.db.models import BankQuestion, BlueprintEntry, Plan
from core.errors import NotAllowed
from core.people import TelegramIdentity, is_staff
from core.question_import import (
    ParsedQuestion,
    blueprint_lines,
    check_blueprint,
    parse_bank,
    parse_blueprint_file,
    sample_bank,
    sample_blueprint,
)
from core.rules import Blueprint, BlueprintItem, Question, QuestionType, validate_blueprint


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


async def active_bank(session: AsyncSession) -> list[BankQuestion]:
    """Every question that may be drawn."""
    return list((await session.scalars(select(BankQuestion).where(BankQuestion.active.is_(True)))).all())


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
    """Replace a plan's blueprint after checking it totals 100 and the bank can fill it."""
    bank = [as_rule_question(q) for q in await active_bank(session)]
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


async def _store_questions(session: AsyncSession, questions: Sequence[ParsedQuestion]) -> BankSummary:
    existing = {q.code: q for q in (await session.scalars(select(BankQuestion))).all()}
    added = updated = 0
    for parsed in questions:
        row = existing.get(parsed.code)
        if row is None:
            row = BankQuestion(code=parsed.code)
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


async def import_bank(
    db: Database, telegram_id: int, staff_ids: frozenset[int], data: bytes, filename: str
) -> BankSummary:
    """Add or update questions from an upload (staff only); a file with any bad row changes nothing."""
    questions = parse_bank(data, filename)
    async with db.uow() as uow:
        if not await is_staff(uow.session, telegram_id, staff_ids):
            raise NotAllowed("common.not_allowed")
        summary = await _store_questions(uow.session, questions)
        await uow.commit()
    return summary


async def seed_sample_bank(session: AsyncSession, plan_id: int) -> bool:
    """Load the sample bank and give the plan the sample blueprint, unless a bank exists already."""
    if await session.scalar(select(BankQuestion.id).limit(1)) is not None:
        return False
    await _store_questions(session, sample_bank())
    await session.flush()
    await store_blueprint(session, plan_id, sample_blueprint())
    return True


BANK_IMPORT_FLOW = "bank_import"


async def begin_bank_import(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Wait for a question bank file from a staff member; refuse anyone else."""
    await dialogs.await_staff_file(db, who, staff_ids, BANK_IMPORT_FLOW)


BLUEPRINT_IMPORT_FLOW = "blueprint_import"


@dataclass(frozen=True, slots=True)
class BlueprintSummary:
    """The blueprint now in force and the plans it was given to."""

    plans: tuple[str, ...]
    lines: tuple[str, ...]
    questions: int


async def begin_blueprint_import(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Wait for a blueprint file from a staff member; refuse anyone else."""
    await dialogs.await_staff_file(db, who, staff_ids, BLUEPRINT_IMPORT_FLOW)


async def import_blueprint(
    db: Database, telegram_id: int, staff_ids: frozenset[int], data: bytes, filename: str
) -> BlueprintSummary:
    """Give every published plan this paper composition, once it totals 100 and the bank can fill it."""
    lines = parse_blueprint_file(data, filename)
    async with db.uow() as uow:
        session = uow.session
        if not await is_staff(session, telegram_id, staff_ids):
            raise NotAllowed("common.not_allowed")
        plans = (await session.scalars(select(Plan).where(Plan.status == "published"))).all()
        if not plans:
            raise NotAllowed("quiz.import.no_plan")
        blueprint = check_blueprint(lines, [as_rule_question(q) for q in await active_bank(session)])
        for plan in plans:
            await _replace_blueprint(session, plan.id, blueprint)
        summary = BlueprintSummary(
            tuple(p.plan_no for p in plans),
            tuple(blueprint_lines(blueprint)),
            sum(i.count for i in blueprint.items),
        )
        await uow.commit()
    return summary
