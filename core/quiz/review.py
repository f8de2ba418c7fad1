"""A finished attempt's answers beside the correct ones, shown only once the study window has closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import Database
from core.db.models import QuizAttempt
from core.errors import NotAllowed, NotFound
from core.quiz.scoring import QuestionType, answers_revealed
from core.quiz.store import items_of, shown_question
from core.study.enrolment import find_enrolment

# Whether answers may be shown at all after the window closes; while it is open they never are.
REVEAL_ANSWERS_AFTER_WINDOW = True


@dataclass(frozen=True, slots=True)
class ReviewedQuestion:
    """One question of a finished attempt as it was shown, with the answer given and the correct one."""

    number: int
    type: QuestionType
    stem: str
    options: tuple[str, ...]
    chosen: tuple[int, ...] | None
    correct: tuple[int, ...]
    points: int

    @property
    def right(self) -> bool:
        """Whether the answer given earned the points."""
        return self.chosen is not None and set(self.chosen) == set(self.correct)


@dataclass(frozen=True, slots=True)
class AttemptReview:
    """A finished attempt, question by question."""

    attempt_no: int
    score: int
    questions: tuple[ReviewedQuestion, ...]


async def attempt_review(
    db: Database,
    telegram_id: int,
    attempt_no: int,
    *,
    now: datetime,
    tz: ZoneInfo,
    reveal_after_window: bool = REVEAL_ANSWERS_AFTER_WINDOW,
) -> AttemptReview:
    """Show the caller's own finished attempt with correct answers, but never while the window is open."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        attempt = await session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.registration_id == enrolment.registration_id, QuizAttempt.attempt_no == attempt_no
            )
        )
        if attempt is None or attempt.score is None:
            raise NotFound("quiz.no_such_attempt")
        if not answers_revealed(enrolment.window, now, after_window=reveal_after_window):
            raise NotAllowed("quiz.answers_hidden", end=enrolment.window.last_day)
        questions = []
        for item in await items_of(session, attempt.id):
            shown = shown_question(item)
            questions.append(
                ReviewedQuestion(
                    number=item.position + 1,
                    type=shown.type,
                    stem=shown.stem,
                    options=shown.options,
                    chosen=tuple(item.chosen) if item.chosen is not None else None,
                    correct=tuple(sorted(shown.answer)),
                    points=item.points,
                )
            )
        return AttemptReview(attempt.attempt_no, attempt.score, tuple(questions))
