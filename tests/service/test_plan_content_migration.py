"""Courses and banks became per plan: rows from before stay, shared by plans without their own, and attempts
and study sessions pointing at them survive the table rebuild on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core.db import Database
from core.db.migrate import downgrade, upgrade
from core.db.models import AttemptItem, BankQuestion, CourseModule, QuizAttempt, StudySession
from core.quiz.bank import plan_bank
from core.study.course import plan_modules
from tests.e2e.study_factories import make_candidate, make_plan


async def test_existing_content_keeps_its_rows_and_references_through_the_migration(db: Database) -> None:
    plan_id = await make_plan(db)
    candidate = await make_candidate(db, 801, plan_id)
    now = datetime.now(UTC)
    async with db.uow() as uow:
        module = (await uow.session.scalars(select(CourseModule))).first()
        question = (await uow.session.scalars(select(BankQuestion))).first()
        assert module is not None and question is not None
        attempt = QuizAttempt(
            registration_id=candidate.registration_id, attempt_no=1, started_at=now, deadline=now, seed=1
        )
        uow.session.add(attempt)
        uow.session.add(
            StudySession(registration_id=candidate.registration_id, module_id=module.id, opened_at=now)
        )
        await uow.session.flush()
        uow.session.add(
            AttemptItem(
                attempt_id=attempt.id,
                position=0,
                question_id=question.id,
                option_order=[0, 1],
                points=10,
                type=question.type,
                stem=question.stem,
                options=question.options,
                answer=question.answer,
                chosen=None,
                draft=[],
            )
        )
        await uow.commit()
        ids = (module.id, question.id)
    await downgrade(db.engine, "0013b_plan_content-1")
    await upgrade(db.engine)
    async with db.uow() as uow:
        assert [m.id for m in await plan_modules(uow.session, plan_id)].count(ids[0]) == 1
        assert ids[1] in {q.id for q in await plan_bank(uow.session, plan_id)}
        item = (await uow.session.scalars(select(AttemptItem))).one()
        studied = (await uow.session.scalars(select(StudySession))).one()
        assert (studied.module_id, item.question_id) == ids
        assert (await uow.session.get(BankQuestion, ids[1])) is not None
        copy = BankQuestion(
            plan_id=plan_id,
            code=question.code,
            type=question.type,
            category=question.category,
            stem=question.stem,
            options=question.options,
            answer=question.answer,
            points=question.points,
        )
        uow.session.add(copy)
        await uow.session.flush()
        assert copy.id != ids[1]
