"""成绩查询: every quiz attempt, and a place for qualification-exam results (issue 7) beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from core.db import Database
from core.db.models import Plan, QuizAttempt, Registration, User
from core.offline.exam import exam_results_by_telegram_id
from core.quiz.scoring import best_score, passed
from core.texts import t


@dataclass(frozen=True, slots=True)
class QuizAttemptLine:
    """One online quiz attempt as the results list shows it."""

    plan_name: str
    attempt_no: int
    started_at: datetime
    submitted_at: datetime | None
    score: int | None
    passed: bool
    timed_out: bool
    in_progress: bool


@dataclass(frozen=True, slots=True)
class ExamResultLine:
    """One qualification-exam result; filled by the exam feature."""

    name: str
    held_on: date | None
    score: int | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class Results:
    """Everything 成绩查询 lists for one person."""

    quiz_attempts: list[QuizAttemptLine] = field(default_factory=list)
    quiz_best: int | None = None
    quiz_passed: bool = False
    max_attempts: int = 2
    pass_score: int = 90
    exam_results: list[ExamResultLine] = field(default_factory=list)


async def results(db: Database, telegram_id: int) -> Results:
    """List every quiz attempt (oldest first) with the best score and verdict."""
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(
                select(QuizAttempt, Plan)
                .join(Registration, Registration.id == QuizAttempt.registration_id)
                .join(Plan, Plan.id == Registration.plan_id)
                .join(User, User.id == Registration.user_id)
                .where(User.telegram_id == telegram_id)
                .order_by(Plan.study_start, QuizAttempt.attempt_no)
            )
        ).all()
        lines = [
            QuizAttemptLine(
                plan_name=plan.name,
                attempt_no=a.attempt_no,
                started_at=a.started_at,
                submitted_at=a.submitted_at,
                score=a.score,
                passed=a.score is not None and passed(a.score, plan.pass_score),
                timed_out=a.status == "timed_out",
                in_progress=a.status == "open",
            )
            for a, plan in rows
        ]
        plan = rows[-1][1] if rows else None
        best = best_score(line.score for line in lines)
        pass_score = plan.pass_score if plan is not None else 90
        exams = await exam_results_by_telegram_id(uow.session, telegram_id)
        name = t("offline.exam.results_name")
        return Results(
            exam_results=[ExamResultLine(name, e.held_on, e.score, e.passed) for e in exams],
            quiz_attempts=lines,
            quiz_best=best,
            quiz_passed=best is not None and passed(best, pass_score),
            max_attempts=plan.max_quiz_attempts if plan is not None else 2,
            pass_score=pass_score,
        )
