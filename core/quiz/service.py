"""The online quiz (线上考核), message by message: start, answer, review, submit, and time limits."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.db.models import Notice, Plan, QuizAttempt, Registration, User
from core.errors import Conflict, NotAllowed
from core.notices import outbox
from core.notices.broadcast import QUIZ_RESULT_KIND
from core.quiz.moves import apply_move, redraw
from core.quiz.scoring import attempt_deadline, best_score, can_start_attempt, passed, redraw_due
from core.quiz.store import QUIZ_FLOW, Finished, draw_and_store, finish
from core.quiz.views import (
    Press,
    QuestionScreen,
    Redraw,
    ResultScreen,
    Screen,
    question_screen,
    result_screen,
    result_text,
)
from core.study.enrolment import Enrolment, find_enrolment
from core.study.service import StudyOverview, credited_minutes, overview


@dataclass(frozen=True, slots=True)
class QuizStatus:
    """Whether the candidate may start, resume or has finished with the quiz."""

    attempts_used: int
    max_attempts: int
    best: int | None
    pass_score: int
    open_attempt: bool
    refusal: str | None
    credited_minutes: int
    required_minutes: int
    time_limit_minutes: int


async def _attempts(session: AsyncSession, registration_id: int) -> list[QuizAttempt]:
    return list(
        (
            await session.scalars(
                select(QuizAttempt)
                .where(QuizAttempt.registration_id == registration_id)
                .order_by(QuizAttempt.attempt_no)
            )
        ).all()
    )


async def _finish_for(
    session: AsyncSession, attempt: QuizAttempt, enrolment: Enrolment, now: datetime, *, timed_out: bool
) -> Finished:
    return await finish(
        session,
        attempt,
        now,
        timed_out=timed_out,
        pass_score=enrolment.pass_score,
        max_attempts=enrolment.max_attempts,
    )


async def status(db: Database, telegram_id: int, *, now: datetime, tz: ZoneInfo) -> QuizStatus:
    """Say whether a new attempt may start and, if not, why."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        attempts = await _attempts(session, enrolment.registration_id)
        minutes = await credited_minutes(session, enrolment.registration_id)
        best = best_score(a.score for a in attempts)
        refusal = can_start_attempt(
            len(attempts),
            window=enrolment.window,
            now=now,
            approved=True,
            credited_minutes=minutes,
            max_attempts=enrolment.max_attempts,
            required_minutes=enrolment.required_minutes,
            already_passed=best is not None and passed(best, enrolment.pass_score),
        )
        return QuizStatus(
            attempts_used=len(attempts),
            max_attempts=enrolment.max_attempts,
            best=best,
            pass_score=enrolment.pass_score,
            open_attempt=any(a.status == "open" for a in attempts),
            refusal=refusal,
            credited_minutes=minutes,
            required_minutes=enrolment.required_minutes,
            time_limit_minutes=enrolment.time_limit_minutes,
        )


async def start(
    db: Database, telegram_id: int, *, now: datetime, tz: ZoneInfo, seed: int | None = None
) -> QuestionScreen:
    """Consume an attempt and draw its paper; of two simultaneous starts only one wins."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        attempts = await _attempts(session, enrolment.registration_id)
        if any(a.status == "open" for a in attempts):
            raise Conflict("quiz.already_open")
        best = best_score(a.score for a in attempts)
        refusal = can_start_attempt(
            len(attempts),
            window=enrolment.window,
            now=now,
            approved=True,
            credited_minutes=await credited_minutes(session, enrolment.registration_id),
            max_attempts=enrolment.max_attempts,
            required_minutes=enrolment.required_minutes,
            already_passed=best is not None and passed(best, enrolment.pass_score),
        )
        if refusal is not None:
            raise NotAllowed(refusal, attempts=enrolment.max_attempts, score=enrolment.pass_score)
        attempt = QuizAttempt(
            registration_id=enrolment.registration_id,
            attempt_no=len(attempts) + 1,
            started_at=now,
            deadline=attempt_deadline(now, timedelta(minutes=enrolment.time_limit_minutes), enrolment.window),
            seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
        )
        session.add(attempt)
        try:
            await session.flush()
        except IntegrityError:
            raise Conflict("quiz.start_race") from None
        await draw_and_store(session, attempt, enrolment.plan_id)
        await dialogs.save(
            session,
            enrolment.user_id,
            dialogs.DialogState(QUIZ_FLOW, "answering", {"attempt_id": attempt.id}),
        )
        screen = await question_screen(session, attempt)
        try:
            await uow.commit()
        except IntegrityError:
            raise Conflict("quiz.start_race") from None
    return screen


async def resume(
    db: Database, telegram_id: int, *, now: datetime, tz: ZoneInfo
) -> QuestionScreen | ResultScreen:
    """Show the open attempt's current question again in a new message; older buttons stop working."""
    async with db.uow() as uow:
        session = uow.session
        enrolment = await find_enrolment(session, telegram_id, tz, now)
        attempt = next(
            (a for a in await _attempts(session, enrolment.registration_id) if a.status == "open"), None
        )
        if attempt is None:
            raise NotAllowed("quiz.nothing_open")
        if now >= attempt.deadline:
            done = await _finish_for(session, attempt, enrolment, now, timed_out=True)
            await uow.commit()
            return result_screen(done, enrolment.pass_score)
        attempt.revision += 1
        attempt.message_id = None
        screen = await question_screen(session, attempt)
        await uow.commit()
    return screen


async def remember_message(db: Database, attempt_id: int, revision: int, message_id: int) -> None:
    """Record which message carries the attempt's live buttons (buttons elsewhere are stale)."""
    async with db.uow() as uow:
        attempt = await uow.session.get(QuizAttempt, attempt_id)
        if attempt is not None and attempt.revision == revision and attempt.status == "open":
            attempt.message_id = message_id
            await uow.commit()


async def _locked_attempt(
    session: AsyncSession, attempt_id: int, telegram_id: int | None = None
) -> tuple[QuizAttempt, Plan, int] | None:
    """The attempt, its plan and its holder's Telegram id, locked against a concurrent press or time-out."""
    statement = (
        select(QuizAttempt, Plan, User.telegram_id)
        .join(Registration, Registration.id == QuizAttempt.registration_id)
        .join(Plan, Plan.id == Registration.plan_id)
        .join(User, User.id == Registration.user_id)
        .where(QuizAttempt.id == attempt_id)
        .with_for_update(of=QuizAttempt)
    )
    if telegram_id is not None:
        statement = statement.where(User.telegram_id == telegram_id)
    row = (await session.execute(statement)).first()
    return None if row is None else (row[0], row[1], row[2])


async def _owned_attempt(
    session: AsyncSession, telegram_id: int, attempt_id: int
) -> tuple[QuizAttempt, Plan]:
    found = await _locked_attempt(session, attempt_id, telegram_id)
    if found is None:
        raise NotAllowed("quiz.stale_button")
    return found[0], found[1]


async def _time_out(session: AsyncSession, attempt: QuizAttempt, plan: Plan, now: datetime) -> Finished:
    """Hand in an attempt whose time limit has passed, scored as it stands."""
    return await finish(
        session,
        attempt,
        now,
        timed_out=True,
        pass_score=plan.pass_score,
        max_attempts=plan.max_quiz_attempts,
    )


async def press(
    db: Database, telegram_id: int, pressed: Press, *, now: datetime, tz: ZoneInfo
) -> Screen | Redraw:
    """Apply one button press to the caller's own open attempt, after checking it is the live button; the
    press just recorded, pressed again, gets its screen back to redraw (core.quiz.scoring.redraw_due)."""
    async with db.uow() as uow:
        session = uow.session
        attempt, plan = await _owned_attempt(session, telegram_id, pressed.attempt_id)
        if attempt.status != "open":
            raise NotAllowed("quiz.attempt_finished")
        if now >= attempt.deadline:
            done = await _time_out(session, attempt, plan, now)
            await uow.commit()
            return result_screen(done, plan.pass_score, refused_late=True)
        if pressed.message_id != attempt.message_id:
            raise NotAllowed("quiz.stale_button")
        if pressed.revision != attempt.revision:
            return await _recorded(session, attempt, pressed)
        screen = await apply_move(session, attempt, plan, pressed, now)
        await uow.commit()
    return screen


async def _recorded(session: AsyncSession, attempt: QuizAttempt, pressed: Press) -> Redraw:
    """A press already applied: its screen again if it was the latest move, else only "already recorded"."""
    if redraw_due(pressed.revision, attempt.revision):
        return Redraw(await redraw(session, attempt, pressed))
    raise Conflict("quiz.already_recorded")


async def press_again(
    db: Database, telegram_id: int, pressed: Press, *, now: datetime
) -> Redraw | None:
    """A saved press handed out again after a crash: the screen it led to, changing nothing. None when the
    attempt is over or its message no longer live (show where the person stands); Conflict when they went on.
    """
    async with db.uow() as uow:
        session = uow.session
        found = await _locked_attempt(session, pressed.attempt_id, telegram_id)
        if found is None:
            return None
        attempt = found[0]
        if attempt.status != "open" or now >= attempt.deadline or pressed.message_id != attempt.message_id:
            return None
        return await _recorded(session, attempt, pressed)


async def due_attempts(db: Database) -> list[tuple[int, datetime]]:
    """Open attempts and their deadlines, for re-scheduling at start-up."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(QuizAttempt.id, QuizAttempt.deadline).where(QuizAttempt.status == "open")
        )
        return [(r.id, r.deadline) for r in rows]


@dataclass(frozen=True, slots=True)
class AutoSubmitted:
    """An attempt the time limit closed, and whom to tell."""

    telegram_id: int
    message_id: int | None
    result: ResultScreen


async def auto_submit(db: Database, attempt_id: int, *, now: datetime) -> AutoSubmitted | None:
    """Hand in an attempt whose time is up, even if the candidate has gone; skip closed ones.

    The result message goes into the outbox in the same transaction, so a process that dies right after the
    hand-in cannot lose it: whichever process drains the outbox sends it (wake its worker after this returns).
    """
    async with db.uow() as uow:
        session = uow.session
        found = await _locked_attempt(session, attempt_id)
        if found is None:
            return None
        attempt, plan, telegram_id = found
        if attempt.status != "open" or now < attempt.deadline:
            return None
        done = await _time_out(session, attempt, plan, now)
        screen = result_screen(done, plan.pass_score)
        notice = Notice(key=f"quiz-result:{attempt.id}", kind=QUIZ_RESULT_KIND, audience={}, created_at=now)
        session.add(notice)
        await session.flush()
        result = outbox.Recipient(done.user_id, telegram_id, result_text(screen))
        await outbox.queue(session, notice.id, [result])
        await uow.commit()
    return AutoSubmitted(telegram_id, done.message_id, screen)


async def count_attempts(session: AsyncSession, registration_id: int) -> int:
    """How many attempts a registration has used (started attempts count)."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(QuizAttempt)
            .where(QuizAttempt.registration_id == registration_id)
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class StudyPage:
    """Everything 培训学习 shows: the course with progress, and where the candidate stands with the quiz."""

    course: StudyOverview
    quiz: QuizStatus


async def study_page(db: Database, telegram_id: int, *, now: datetime, tz: ZoneInfo) -> StudyPage:
    """Gather the course progress and the quiz status for the study page."""
    return StudyPage(
        await overview(db, telegram_id, now=now, tz=tz), await status(db, telegram_id, now=now, tz=tz)
    )
