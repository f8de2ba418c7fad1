"""The online quiz on a real database: drawing, answering, time limits, scoring and races."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import AttemptItem, BankQuestion, OutboxMessage, QuizAttempt
from core.errors import Conflict, DomainError, NotAllowed
from core.quiz import service as quiz
from core.quiz.views import Press, QuestionScreen, Redraw, ResultScreen, ReviewScreen, Screen, result_text
from core.rules import QuestionType
from core.study import service as study
from tests.e2e.study_factories import SHANGHAI, FakeClock, correct_answers, make_candidate, make_plan

MESSAGE = 77


async def study_everything(db: Database, telegram_id: int, clock: FakeClock) -> None:
    for module in (await study.overview(db, telegram_id, now=clock(), tz=SHANGHAI)).modules:
        await study.open_module(db, telegram_id, module.id, now=clock(), tz=SHANGHAI)
        clock.advance(minutes=module.minutes)
        await study.finish_module(db, telegram_id, module.id, now=clock(), tz=SHANGHAI)


async def ready(
    db: Database, telegram_id: int, clock: FakeClock | None = None, study_days: tuple[int, int] = (-3, 25)
) -> tuple[FakeClock, int]:
    plan_id = await make_plan(db, study_days=study_days)
    await make_candidate(db, telegram_id, plan_id)
    clock = clock or FakeClock()
    await study_everything(db, telegram_id, clock)
    return clock, plan_id


async def begin(db: Database, telegram_id: int, clock: FakeClock) -> QuestionScreen:
    screen = await quiz.start(db, telegram_id, now=clock(), tz=SHANGHAI)
    await quiz.remember_message(db, screen.attempt_id, screen.revision, MESSAGE)
    return screen


def press_of(screen: QuestionScreen | ReviewScreen, verb: str, option: int | None = None) -> Press:
    index = screen.index if isinstance(screen, QuestionScreen) else 0
    return Press(screen.attempt_id, screen.revision, index, verb, option, MESSAGE)


async def answer_all(
    db: Database, telegram_id: int, screen: Screen, clock: FakeClock, right: int
) -> ReviewScreen:
    """Answer every question, the first `right` of them correctly."""
    key = await correct_answers(db)
    answered = 0
    while isinstance(screen, QuestionScreen):
        good = [i for i, text in enumerate(screen.options) if text in key[screen.stem]]
        wrong = [i for i in range(len(screen.options)) if i not in good][:1] or good[:1]
        wanted = good if answered < right else wrong
        if screen.type is QuestionType.MULTIPLE:
            for option in wanted:
                screen = await quiz.press(
                    db, telegram_id, press_of(screen, "t", option), now=clock(), tz=SHANGHAI
                )
                assert isinstance(screen, QuestionScreen)
            screen = await quiz.press(db, telegram_id, press_of(screen, "c"), now=clock(), tz=SHANGHAI)
        else:
            screen = await quiz.press(
                db, telegram_id, press_of(screen, "a", wanted[0]), now=clock(), tz=SHANGHAI
            )
        answered += 1
    assert isinstance(screen, ReviewScreen)
    return screen


async def submit(db: Database, telegram_id: int, review: ReviewScreen, clock: FakeClock) -> ResultScreen:
    confirm = await quiz.press(db, telegram_id, press_of(review, "s"), now=clock(), tz=SHANGHAI)
    result = await quiz.press(
        db,
        telegram_id,
        Press(review.attempt_id, confirm.revision, 0, "y", None, MESSAGE),
        now=clock(),
        tz=SHANGHAI,  # type: ignore[union-attr]
    )
    assert isinstance(result, ResultScreen)
    return result


async def test_the_quiz_stays_closed_until_180_minutes_are_credited(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 601, plan)
    with pytest.raises(NotAllowed) as refused:
        await quiz.start(db, 601, now=FakeClock()(), tz=SHANGHAI)
    assert refused.value.key == "rules.quiz.study_incomplete"


async def test_an_attempt_is_drawn_by_the_blueprint_and_stored_with_its_option_order(db: Database) -> None:
    clock, _ = await ready(db, 602)
    screen = await begin(db, 602, clock)
    assert (screen.index, screen.total, screen.attempt_no) == (0, 10, 1)
    async with db.uow() as uow:
        items = (await uow.session.scalars(select(AttemptItem).order_by(AttemptItem.position))).all()
        assert len(items) == 10 and sum(i.points for i in items) == 100
        assert all(sorted(i.option_order) == list(range(len(i.option_order))) for i in items)
    assert screen.deadline == clock() + timedelta(minutes=60)


async def test_all_right_passes_and_the_best_attempt_counts(db: Database) -> None:
    clock, _ = await ready(db, 603)
    review = await answer_all(db, 603, await begin(db, 603, clock), clock, right=10)
    assert review.unanswered == ()
    result = await submit(db, 603, review, clock)
    assert (result.score, result.passed, result.best) == (100, True, 100)
    with pytest.raises(NotAllowed) as refused:
        await quiz.start(db, 603, now=clock(), tz=SHANGHAI)
    assert refused.value.key == "rules.quiz.already_passed"


async def test_two_failed_attempts_refuse_a_third(db: Database) -> None:
    clock, _ = await ready(db, 604)
    first = await submit(
        db, 604, await answer_all(db, 604, await begin(db, 604, clock), clock, right=8), clock
    )
    assert (first.score, first.passed, first.attempts_left) == (80, False, 1)
    second = await submit(
        db, 604, await answer_all(db, 604, await begin(db, 604, clock), clock, right=5), clock
    )
    assert (second.score, second.best, second.attempts_left) == (50, 80, 0)
    with pytest.raises(NotAllowed) as refused:
        await quiz.start(db, 604, now=clock(), tz=SHANGHAI)
    assert refused.value.key == "rules.quiz.no_attempts_left"


async def test_ninety_passes(db: Database) -> None:
    clock, _ = await ready(db, 605)
    result = await submit(
        db, 605, await answer_all(db, 605, await begin(db, 605, clock), clock, right=9), clock
    )
    assert (result.score, result.passed) == (90, True)


async def test_answers_can_change_and_unanswered_questions_are_listed(db: Database) -> None:
    clock, _ = await ready(db, 606)
    screen = await begin(db, 606, clock)
    first_type = screen.type
    verb = "t" if first_type is QuestionType.MULTIPLE else "a"
    moved = await quiz.press(db, 606, press_of(screen, verb, 0), now=clock(), tz=SHANGHAI)
    if verb == "t":
        assert isinstance(moved, QuestionScreen)
        moved = await quiz.press(db, 606, press_of(moved, "c"), now=clock(), tz=SHANGHAI)
    assert isinstance(moved, QuestionScreen) and moved.index == 1
    back = await quiz.press(db, 606, press_of(moved, "p"), now=clock(), tz=SHANGHAI)
    assert isinstance(back, QuestionScreen) and back.chosen == (0,)
    review = await quiz.press(db, 606, press_of(back, "r"), now=clock(), tz=SHANGHAI)
    assert isinstance(review, ReviewScreen) and review.unanswered == tuple(range(2, 11))


async def test_a_double_tap_answers_once_and_an_old_message_is_refused(db: Database) -> None:
    clock, _ = await ready(db, 607)
    screen = await begin(db, 607, clock)
    tap = press_of(screen, "t" if screen.type is QuestionType.MULTIPLE else "a", 0)
    first = await quiz.press(db, 607, tap, now=clock(), tz=SHANGHAI)
    # the same button again: nothing changes, and the screen the first tap led to comes back to redraw
    again = await quiz.press(db, 607, tap, now=clock(), tz=SHANGHAI)
    assert isinstance(again, Redraw) and again.screen == first
    async with db.uow() as uow:
        chosen = [i.chosen or i.draft for i in (await uow.session.scalars(select(AttemptItem))).all()]
    assert sum(1 for c in chosen if c) == 1
    assert isinstance(first, QuestionScreen)
    await quiz.press(db, 607, press_of(first, "p"), now=clock(), tz=SHANGHAI)
    with pytest.raises(Conflict) as late:  # two moves behind: the person has seen later screens
        await quiz.press(db, 607, tap, now=clock(), tz=SHANGHAI)
    assert late.value.key == "quiz.already_recorded"
    resumed = await quiz.resume(db, 607, now=clock(), tz=SHANGHAI)
    assert isinstance(resumed, QuestionScreen)
    await quiz.remember_message(db, resumed.attempt_id, resumed.revision, MESSAGE + 1)
    with pytest.raises(NotAllowed) as stale:
        await quiz.press(db, 607, press_of(resumed, "n"), now=clock(), tz=SHANGHAI)
    assert stale.value.key == "quiz.stale_button"


async def test_another_candidates_forged_button_changes_nothing(db: Database) -> None:
    clock, plan = await ready(db, 608)
    await make_candidate(db, 609, plan)
    screen = await begin(db, 608, clock)
    with pytest.raises(NotAllowed) as refused:
        await quiz.press(db, 609, press_of(screen, "a", 0), now=clock(), tz=SHANGHAI)
    assert refused.value.key == "quiz.stale_button"
    async with db.uow() as uow:
        items = (await uow.session.scalars(select(AttemptItem))).all()
        assert [i.chosen for i in items] == [None] * 10


async def test_answering_after_the_time_limit_is_refused_and_the_attempt_closes(db: Database) -> None:
    clock, _ = await ready(db, 610)
    screen = await begin(db, 610, clock)
    clock.advance(minutes=61)
    result = await quiz.press(db, 610, press_of(screen, "a", 0), now=clock(), tz=SHANGHAI)
    assert isinstance(result, ResultScreen) and result.refused_late and result.timed_out and result.score == 0
    with pytest.raises(NotAllowed) as refused:
        await quiz.press(db, 610, press_of(screen, "a", 0), now=clock(), tz=SHANGHAI)
    assert refused.value.key == "quiz.attempt_finished"


async def test_the_scheduler_submits_an_attempt_at_its_deadline_only(db: Database) -> None:
    clock, _ = await ready(db, 611)
    screen = await begin(db, 611, clock)
    assert await quiz.due_attempts(db) == [(screen.attempt_id, screen.deadline)]
    assert await quiz.auto_submit(db, screen.attempt_id, now=clock()) is None
    clock.advance(minutes=60)
    done = await quiz.auto_submit(db, screen.attempt_id, now=clock())
    assert done is not None and done.telegram_id == 611 and done.result.timed_out
    assert await quiz.auto_submit(db, screen.attempt_id, now=clock()) is None
    assert await quiz.due_attempts(db) == []


async def test_the_result_of_an_attempt_handed_in_at_its_deadline_is_queued_with_the_hand_in(
    db: Database,
) -> None:
    clock, _ = await ready(db, 614)
    screen = await begin(db, 614, clock)
    clock.advance(minutes=60)
    done = await quiz.auto_submit(db, screen.attempt_id, now=clock())
    assert done is not None
    # nothing was sent yet: a process dying now leaves the message for any other process's outbox worker
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(select(OutboxMessage.chat_id, OutboxMessage.text, OutboxMessage.status))
        ).all()
    assert rows == [(614, result_text(done.result), "pending")]
    assert rows[0][1].startswith("考核时间已到，系统已自动交卷。")
    assert await quiz.auto_submit(db, screen.attempt_id, now=clock()) is None  # and never a second one


async def test_a_deadline_never_passes_the_window_close(db: Database) -> None:
    close = datetime.combine(datetime.now(SHANGHAI).date() + timedelta(days=1), time(0), SHANGHAI)
    clock, _ = await ready(db, 612, FakeClock(close - timedelta(hours=3, minutes=20)), study_days=(-3, 0))
    screen = await begin(db, 612, clock)
    assert screen.deadline == close


async def test_two_simultaneous_starts_start_one_attempt(db: Database) -> None:
    clock, _ = await ready(db, 613)
    outcomes = await asyncio.gather(
        quiz.start(db, 613, now=clock(), tz=SHANGHAI),
        quiz.start(db, 613, now=clock(), tz=SHANGHAI),
        return_exceptions=True,
    )
    started = [o for o in outcomes if isinstance(o, QuestionScreen)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(started) == 1 and len(refused) == 1, outcomes
    assert refused[0].key in {"quiz.start_race", "quiz.already_open"}
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


async def test_a_bank_edit_does_not_change_a_paper_already_drawn(db: Database) -> None:
    clock, _ = await ready(db, 614)
    screen = await begin(db, 614, clock)
    async with db.uow() as uow:
        for row in (await uow.session.scalars(select(BankQuestion))).all():
            row.stem, row.options = "改过的题", ["甲", "乙"]
        await uow.commit()
    again = await quiz.resume(db, 614, now=clock(), tz=SHANGHAI)
    assert isinstance(again, QuestionScreen) and (again.stem, again.options) == (screen.stem, screen.options)
