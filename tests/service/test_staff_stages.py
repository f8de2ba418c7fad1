"""Stages past approval come from study, quiz, batch and certificate rows; the furthest one wins."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core.db import Database
from core.db.models import (
    Batch,
    BatchAssignment,
    CourseModule,
    Examiner,
    IssuedCertificate,
    QuizAttempt,
    StudySession,
)
from core.people.stages import Stage
from core.people.users import TelegramIdentity
from core.review import rosters
from tests.e2e.factories import CandidateRef, make_candidate, make_institution, make_plan

STAFF = TelegramIdentity(900001, "工作人员")
STAFF_IDS = frozenset({900001})
NOW = datetime.now(UTC)


async def test_each_later_stage_is_counted(db: Database) -> None:
    institution = await make_institution(db)
    plan_id = await make_plan(db)
    people: dict[str, CandidateRef] = {}
    for n, key in enumerate(["approved", "studying", "passed", "failed", "batch", "certified"]):
        people[key] = await make_candidate(
            db, 7700 + n, institution, status="approved", name=key, plan_id=plan_id
        )
    reg = {key: ref.registration_id for key, ref in people.items()}
    async with db.uow() as uow:
        s = uow.session
        module = CourseModule(code="M1", title="政策法规", minutes=30, body="正文")
        batch = Batch(plan_id=plan_id, code="01", name="第一期")
        s.add_all([module, batch])
        await s.flush()
        for key in ("studying", "passed", "failed", "batch", "certified"):
            s.add(StudySession(registration_id=reg[key], module_id=module.id, opened_at=NOW))
        for key, score in (("passed", 95), ("failed", 60), ("batch", 92), ("certified", 90)):
            s.add(
                QuizAttempt(
                    registration_id=reg[key],
                    attempt_no=1,
                    started_at=NOW,
                    deadline=NOW + timedelta(hours=1),
                    submitted_at=NOW,
                    status="submitted",
                    score=score,
                    seed=1,
                )
            )
        for n, key in enumerate(("batch", "certified")):
            s.add(
                BatchAssignment(
                    batch_id=batch.id,
                    registration_id=reg[key],
                    user_id=people[key].user_id,
                    ticket_no=f"T{n}",
                )
            )
        examiner = Examiner(
            registration_id=reg["certified"],
            user_id=people["certified"].user_id,
            name="certified",
            id_number=people["certified"].id_number,
            occupation="电工",
            levels=["五级/初级工"],
        )
        s.add(examiner)
        await s.flush()
        s.add(
            IssuedCertificate(
                number="KPY2026000001",
                examiner_id=examiner.id,
                user_id=people["certified"].user_id,
                holder_name="certified",
                occupation="电工",
                levels=["五级/初级工"],
                issued_on=date.today(),
                issuer="安徽省职业技能鉴定中心",
                verify_url="http://127.0.0.1/verify",
            )
        )
        await uow.commit()
    roster = await rosters.staff_roster(db, STAFF, STAFF_IDS)
    stages = {p.name: p.stage for p in roster.people}
    assert stages == {
        "approved": Stage.APPROVED,
        "studying": Stage.STUDYING,
        "passed": Stage.QUIZ_PASSED,
        "failed": Stage.QUIZ_FAILED,
        "batch": Stage.OFFLINE_BATCH,
        "certified": Stage.CERTIFIED,
    }
    assert {p.name for p in roster.behind} == {"approved", "studying", "failed"}
