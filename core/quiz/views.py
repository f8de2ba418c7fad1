"""What the quiz shows: plain screens a handler renders, and the button press it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import QuizAttempt
from core.quiz.scoring import QuestionType, passed
from core.quiz.store import Finished, items_of, shown_question
from core.texts import t


@dataclass(frozen=True, slots=True)
class QuestionScreen:
    """One question as its message shows it."""

    attempt_id: int
    revision: int
    attempt_no: int
    index: int
    total: int
    type: QuestionType
    stem: str
    points: int
    options: tuple[str, ...]
    chosen: tuple[int, ...] | None
    draft: tuple[int, ...]
    answered: int
    deadline: datetime


@dataclass(frozen=True, slots=True)
class ReviewScreen:
    """The answer sheet: which questions are still unanswered."""

    attempt_id: int
    revision: int
    total: int
    unanswered: tuple[int, ...]
    deadline: datetime


@dataclass(frozen=True, slots=True)
class ConfirmScreen:
    """The last question before handing in."""

    attempt_id: int
    revision: int
    total: int
    unanswered: int


@dataclass(frozen=True, slots=True)
class ResultScreen:
    """An attempt's score and verdict; correct answers are not shown."""

    attempt_no: int
    score: int
    passed: bool
    pass_score: int
    best: int | None
    attempts_left: int
    timed_out: bool
    refused_late: bool = False

    @property
    def best_passed(self) -> bool:
        """The best score so far reaches the pass mark, so no further attempt is needed."""
        return self.best is not None and passed(self.best, self.pass_score)


Screen = QuestionScreen | ReviewScreen | ConfirmScreen | ResultScreen


@dataclass(frozen=True, slots=True)
class Redraw:
    """A press already recorded: the screen it led to, to draw again, since that reply may have been lost."""

    screen: Screen


@dataclass(frozen=True, slots=True)
class Press:
    """A button press as the callback data describes it; checked against the caller's own attempt."""

    attempt_id: int
    revision: int
    index: int
    verb: str
    option: int | None
    message_id: int | None


def result_screen(done: Finished, pass_score: int, *, refused_late: bool = False) -> ResultScreen:
    return ResultScreen(
        done.attempt_no,
        done.score,
        done.passed,
        pass_score,
        done.best,
        done.attempts_left,
        done.timed_out,
        refused_late,
    )


async def question_screen(session: AsyncSession, attempt: QuizAttempt) -> QuestionScreen:
    items = await items_of(session, attempt.id)
    item = items[attempt.current_index]
    shown = shown_question(item)
    return QuestionScreen(
        attempt_id=attempt.id,
        revision=attempt.revision,
        attempt_no=attempt.attempt_no,
        index=attempt.current_index,
        total=len(items),
        type=shown.type,
        stem=shown.stem,
        points=shown.points,
        options=shown.options,
        chosen=tuple(item.chosen) if item.chosen is not None else None,
        draft=tuple(item.draft or ()),
        answered=sum(1 for i in items if i.chosen is not None),
        deadline=attempt.deadline,
    )


def result_text(screen: ResultScreen) -> str:
    """Score and verdict, what happens next; the correct answers stay hidden."""
    parts = []
    if screen.timed_out:
        parts.append(t("quiz.result_timed_out"))
    parts.append(
        t(
            "quiz.result",
            no=screen.attempt_no,
            score=screen.score,
            pass_score=screen.pass_score,
            verdict=t("quiz.verdict_pass" if screen.passed else "quiz.verdict_fail"),
        )
    )
    if screen.best is not None and screen.best != screen.score:
        parts.append(t("quiz.result_best", best=screen.best))
    if screen.best_passed:
        parts.append(t("quiz.result_next"))
    elif screen.attempts_left > 0:
        parts.append(t("quiz.result_retry", left=screen.attempts_left))
    else:
        parts.append(t("quiz.result_no_more"))
    parts.append(t("quiz.result_answers_hidden"))
    return "\n".join(parts)
