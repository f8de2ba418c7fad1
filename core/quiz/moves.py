"""What each quiz button does to an open attempt: answer, tick, confirm, move, review and hand in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import AttemptItem, Plan, QuizAttempt
from core.errors import InvalidInput, NotAllowed
from core.quiz.scoring import QuestionType
from core.quiz.store import finish, items_of
from core.quiz.views import ConfirmScreen, Press, ReviewScreen, Screen, question_screen, result_screen

ANSWER, TICK, CONFIRM = "a", "t", "c"
PREVIOUS, NEXT, GOTO = "p", "n", "g"
REVIEW, ASK_SUBMIT, SUBMIT, BACK = "r", "s", "y", "b"
VERBS = frozenset({ANSWER, TICK, CONFIRM, PREVIOUS, NEXT, GOTO, REVIEW, ASK_SUBMIT, SUBMIT, BACK})


def _review(attempt: QuizAttempt, items: list[AttemptItem]) -> ReviewScreen:
    unanswered = tuple(i.position + 1 for i in items if i.chosen is None)
    return ReviewScreen(attempt.id, attempt.revision, len(items), unanswered, attempt.deadline)


def _answer(item: AttemptItem, pressed: Press) -> None:
    qtype = QuestionType(item.type)
    count = len(item.options)
    if pressed.verb in (ANSWER, TICK) and (pressed.option is None or not 0 <= pressed.option < count):
        raise NotAllowed("quiz.stale_button")
    if pressed.verb == ANSWER:
        if qtype is QuestionType.MULTIPLE:
            raise NotAllowed("quiz.stale_button")
        assert pressed.option is not None
        item.chosen, item.draft = [pressed.option], []
    elif pressed.verb == TICK:
        if qtype is not QuestionType.MULTIPLE:
            raise NotAllowed("quiz.stale_button")
        ticked = set(item.draft or item.chosen or [])
        assert pressed.option is not None
        ticked ^= {pressed.option}
        item.draft = sorted(ticked)
    else:
        if qtype is not QuestionType.MULTIPLE:
            raise NotAllowed("quiz.stale_button")
        if not item.draft:
            raise InvalidInput("quiz.tick_first")
        item.chosen = sorted(item.draft)


async def apply_move(
    session: AsyncSession, attempt: QuizAttempt, plan: Plan, pressed: Press, now: datetime
) -> Screen:
    """Change the attempt as the live button asks and return the screen to show next."""
    items = await items_of(session, attempt.id)
    total = len(items)
    if pressed.verb not in VERBS or not 0 <= pressed.index < total:
        raise NotAllowed("quiz.stale_button")
    if pressed.verb == SUBMIT:
        done = await finish(
            session,
            attempt,
            now,
            timed_out=False,
            pass_score=plan.pass_score,
            max_attempts=plan.max_quiz_attempts,
        )
        return result_screen(done, plan.pass_score)
    attempt.revision += 1
    if pressed.verb in (ANSWER, TICK, CONFIRM):
        if pressed.index != attempt.current_index:
            raise NotAllowed("quiz.stale_button")
        _answer(items[pressed.index], pressed)
        if pressed.verb != TICK and pressed.index + 1 < total:
            attempt.current_index = pressed.index + 1
    elif pressed.verb == PREVIOUS:
        attempt.current_index = max(attempt.current_index - 1, 0)
    elif pressed.verb == NEXT and attempt.current_index + 1 < total:
        attempt.current_index += 1
    elif pressed.verb == GOTO:
        attempt.current_index = pressed.index
    await session.flush()
    return await screen_after(session, attempt, items, pressed)


async def screen_after(
    session: AsyncSession, attempt: QuizAttempt, items: list[AttemptItem], pressed: Press
) -> Screen:
    """The screen a move leads to, read from the attempt as the move left it, so it can be drawn again."""
    total = len(items)
    on_last = pressed.index + 1 >= total
    if pressed.verb == REVIEW or (pressed.verb in (ANSWER, CONFIRM, NEXT) and on_last):
        return _review(attempt, items)
    if pressed.verb == ASK_SUBMIT:
        unanswered = sum(1 for i in items if i.chosen is None)
        return ConfirmScreen(attempt.id, attempt.revision, total, unanswered)
    return await question_screen(session, attempt)


async def redraw(session: AsyncSession, attempt: QuizAttempt, pressed: Press) -> Screen:
    """The screen the press just recorded led to, unchanged: its reply may never have reached the person."""
    return await screen_after(session, attempt, await items_of(session, attempt.id), pressed)
