"""The online quiz and what follows it: blueprints, deterministic draws, scoring, attempts and batches."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.errors import InvalidInput
from core.plans.windows import Window
from core.study.credit import REQUIRED_MINUTES

PASS_MARK = 90
MAX_ATTEMPTS = 2
TOTAL_POINTS = 100


class QuestionType(StrEnum):
    """Question types of the bank, labelled as in Chinese exam papers."""

    SINGLE = "单选题"
    MULTIPLE = "多选题"
    TRUE_FALSE = "判断题"


@dataclass(frozen=True, slots=True)
class Question:
    """A bank question; `answer` holds the indices of the correct options."""

    id: str
    type: QuestionType
    category: str
    stem: str
    options: tuple[str, ...]
    answer: frozenset[int]


@dataclass(frozen=True, slots=True)
class BlueprintItem:
    """How many questions of one (type, category) a paper draws, and what each is worth."""

    type: QuestionType
    category: str
    count: int
    points: int


@dataclass(frozen=True, slots=True)
class Blueprint:
    """A paper's composition; validate_blueprint checks it totals 100 points."""

    items: tuple[BlueprintItem, ...]

    @property
    def total(self) -> int:
        """Points of a paper answered perfectly."""
        return sum(i.count * i.points for i in self.items)


@dataclass(frozen=True, slots=True)
class DrawnQuestion:
    """A question as it appears in one attempt: options in shuffled order, answer remapped to that order."""

    question_id: str
    type: QuestionType
    category: str
    stem: str
    options: tuple[str, ...]
    answer: frozenset[int]
    points: int


def validate_blueprint(blueprint: Blueprint, bank: Sequence[Question] | None = None) -> None:
    """Refuse a blueprint that does not total 100 or that the bank cannot fill, before anyone sits it."""
    if not blueprint.items or any(i.count <= 0 or i.points <= 0 for i in blueprint.items):
        raise InvalidInput("rules.quiz.blueprint_counts")
    if blueprint.total != TOTAL_POINTS:
        raise InvalidInput("rules.quiz.blueprint_total", total=blueprint.total)
    if bank is not None:
        have = Counter((q.type, q.category) for q in bank)
        need = Counter[tuple[QuestionType, str]]()
        for item in blueprint.items:
            need[(item.type, item.category)] += item.count
        for (qtype, category), count in need.items():
            if have[(qtype, category)] < count:
                raise InvalidInput(
                    "rules.quiz.bank_short",
                    type=qtype.value,
                    category=category,
                    need=count,
                    have=have[(qtype, category)],
                )


def _shuffled(question: Question, points: int, rng: random.Random) -> DrawnQuestion:
    order = list(range(len(question.options)))
    if question.type is not QuestionType.TRUE_FALSE:
        rng.shuffle(order)
    return DrawnQuestion(
        question.id,
        question.type,
        question.category,
        question.stem,
        tuple(question.options[i] for i in order),
        frozenset(order.index(i) for i in question.answer),
        points,
    )


def draw_attempt(bank: Sequence[Question], blueprint: Blueprint, rng: random.Random) -> list[DrawnQuestion]:
    """Draw a paper by the blueprint, shuffling questions and options; the same seed gives the same paper."""
    validate_blueprint(blueprint, bank)
    drawn: list[DrawnQuestion] = []
    used: set[str] = set()
    for item in blueprint.items:
        pool = sorted(
            (q for q in bank if q.type is item.type and q.category == item.category and q.id not in used),
            key=lambda q: q.id,
        )
        if len(pool) < item.count:
            raise InvalidInput(
                "rules.quiz.bank_short",
                type=item.type.value,
                category=item.category,
                need=item.count,
                have=len(pool),
            )
        for q in rng.sample(pool, item.count):
            used.add(q.id)
            drawn.append(_shuffled(q, item.points, rng))
    rng.shuffle(drawn)
    return drawn


def score_attempt(questions: Sequence[DrawnQuestion], answers: Mapping[str, Collection[int]]) -> int:
    """Sum points of exactly right answers; a multiple choice with any option wrong or missing gets 0."""
    score = 0
    for q in questions:
        given = answers.get(q.question_id)
        if given is not None and frozenset(given) == q.answer and len(given) == len(q.answer):
            score += q.points
    return score


def passed(score: int, pass_mark: int = PASS_MARK) -> bool:
    """90 or more passes (90 included), as the notice says."""
    return score >= pass_mark


def best_score(attempts: Iterable[int | None]) -> int | None:
    """The best finished attempt counts; None when nothing was finished."""
    scores = [s for s in attempts if s is not None]
    return max(scores) if scores else None


def can_start_attempt(
    attempts_used: int,
    *,
    window: Window,
    now: datetime,
    approved: bool,
    credited_minutes: int,
    max_attempts: int = MAX_ATTEMPTS,
    required_minutes: int = REQUIRED_MINUTES,
    already_passed: bool = False,
) -> str | None:
    """The catalogue key of the first reason a new attempt is refused, or None when it may start."""
    state = window.state(now)
    if not approved:
        return "rules.quiz.not_approved"
    if state == "not_yet":
        return "rules.quiz.window_not_yet"
    if state == "closed":
        return "rules.quiz.window_closed"
    if already_passed:
        return "rules.quiz.already_passed"
    if credited_minutes < required_minutes:
        return "rules.quiz.study_incomplete"
    if attempts_used >= max_attempts:
        return "rules.quiz.no_attempts_left"
    return None


def attempt_deadline(started_at: datetime, time_limit: timedelta, window: Window) -> datetime:
    """An attempt ends at its time limit or when the study window closes, whichever is first."""
    return min(started_at + time_limit, window.closes)


def can_assign_batch(quiz_passed: bool, batch_capacity: int, assigned: int) -> str | None:
    """Only those who passed online go to offline training, and a batch never exceeds its size."""
    if not quiz_passed:
        return "rules.batch.quiz_not_passed"
    if assigned >= batch_capacity:
        return "rules.batch.full"
    return None


def examinable_levels() -> tuple[str, ...]:
    """The levels an examiner may assess (annex 1): 五级, 四级 and 三级."""
    return ("五级/初级工", "四级/中级工", "三级/高级工")


def answers_revealed(window: Window, now: datetime, *, after_window: bool = True) -> bool:
    """A finished attempt's correct answers show only once the study window has closed, never while open."""
    return after_window and window.state(now) == "closed"


def redraw_due(pressed_revision: int, live_revision: int) -> bool:
    """A press of the buttons one move behind the attempt is the move just recorded, pressed again (or
    handed out again) because its reply never arrived: draw that reply again. Further behind, the person
    has seen later screens, and it is only a late double tap."""
    return pressed_revision + 1 == live_revision
