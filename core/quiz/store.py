"""Attempts in the database: drawing and storing a paper, reading questions back, finishing an attempt."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import dialogs
from core.db.models import AttemptItem, QuizAttempt, Registration
from core.errors import NotAllowed
from core.quiz.bank import as_rule_question, plan_bank, plan_blueprint
from core.quiz.scoring import DrawnQuestion, QuestionType, best_score, draw_attempt, passed, score_attempt

QUIZ_FLOW = "quiz"


@dataclass(frozen=True, slots=True)
class Finished:
    """An attempt just finished: who to tell, and what."""

    attempt_id: int
    user_id: int
    attempt_no: int
    score: int
    passed: bool
    timed_out: bool
    message_id: int | None
    best: int | None
    attempts_left: int


def _option_order(original: Sequence[str], shown: Sequence[str]) -> list[int]:
    """Recover the permutation the draw applied, so the database holds exactly what the candidate saw."""
    free = list(range(len(original)))
    order: list[int] = []
    for text in shown:
        index = next(i for i in free if original[i] == text)
        free.remove(index)
        order.append(index)
    return order


async def draw_and_store(session: AsyncSession, attempt: QuizAttempt, plan_id: int) -> int:
    """Draw the attempt's paper by the plan's blueprint with the attempt's seed; return its length."""
    blueprint = await plan_blueprint(session, plan_id)
    if blueprint is None:
        raise NotAllowed("quiz.no_blueprint")
    rows = await plan_bank(session, plan_id)
    by_id = {str(r.id): r for r in rows}
    drawn = draw_attempt([as_rule_question(r) for r in rows], blueprint, random.Random(attempt.seed))
    for position, question in enumerate(drawn):
        row = by_id[question.question_id]
        session.add(
            AttemptItem(
                attempt_id=attempt.id,
                position=position,
                question_id=row.id,
                option_order=_option_order(row.options, question.options),
                points=question.points,
                type=question.type.value,
                stem=question.stem,
                options=list(question.options),
                answer=sorted(question.answer),
                chosen=None,
                draft=[],
            )
        )
    return len(drawn)


async def items_of(session: AsyncSession, attempt_id: int) -> list[AttemptItem]:
    """The attempt's questions in the order drawn."""
    return list(
        (
            await session.scalars(
                select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
            )
        ).all()
    )


def shown_question(item: AttemptItem) -> DrawnQuestion:
    """The question exactly as this attempt drew it: options in shown order, answer in that order."""
    return DrawnQuestion(
        question_id=str(item.question_id),
        type=QuestionType(item.type),
        category="",
        stem=item.stem,
        options=tuple(item.options),
        answer=frozenset(item.answer),
        points=item.points,
    )


async def finish(
    session: AsyncSession,
    attempt: QuizAttempt,
    now: datetime,
    *,
    timed_out: bool,
    pass_score: int,
    max_attempts: int,
) -> Finished:
    """Score and close an attempt, leave the quiz flow, and report the best score so far."""
    items = await items_of(session, attempt.id)
    questions = [shown_question(i) for i in items]
    answers = {str(i.question_id): i.chosen for i in items if i.chosen is not None}
    attempt.score = score_attempt(questions, answers)
    attempt.status = "timed_out" if timed_out else "submitted"
    attempt.submitted_at = min(now, attempt.deadline) if timed_out else now
    attempt.revision += 1
    registration = await session.get(Registration, attempt.registration_id)
    assert registration is not None
    state = await dialogs.load(session, registration.user_id)
    if state is not None and state.flow == QUIZ_FLOW:
        await dialogs.clear(session, registration.user_id)
    scores = (
        await session.scalars(
            select(QuizAttempt.score).where(
                QuizAttempt.registration_id == attempt.registration_id, QuizAttempt.id != attempt.id
            )
        )
    ).all()
    used = await session.scalar(
        select(func.count())
        .select_from(QuizAttempt)
        .where(QuizAttempt.registration_id == attempt.registration_id)
    )
    return Finished(
        attempt_id=attempt.id,
        user_id=registration.user_id,
        attempt_no=attempt.attempt_no,
        score=attempt.score,
        passed=passed(attempt.score, pass_score),
        timed_out=timed_out,
        message_id=attempt.message_id,
        best=best_score([*scores, attempt.score]),
        attempts_left=max(max_attempts - int(used or 0), 0),
    )
