"""Review: the queue shows what staff need, decisions are audited, and two staff cannot both decide."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.db import Database, dialogs
from core.db.models import AuditEntry, Profile, Registration, User
from core.errors import Conflict, InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.registration import service as registration_service
from core.review import queue as review_queue
from core.review import service as review
from core.texts import t
from tests.e2e.factories import (
    make_candidate,
    make_institution,
    make_liaison,
    make_staff_member,
    registration_status,
)

STAFF = TelegramIdentity(900001, "工作人员")
OTHER_STAFF = TelegramIdentity(900002, "另一位工作人员")
STAFF_IDS = frozenset({900001})
TZ = ZoneInfo("Asia/Shanghai")
PHONE = "18155118665"


async def test_the_queue_shows_submitted_registrations_with_full_numbers_and_a_verdict(db: Database) -> None:
    institution = await make_institution(db, name="安徽省建筑业协会", kind="provincial_org")
    await make_candidate(db, 3000, institution, status="draft")
    first = await make_candidate(db, 3001, institution)
    second = await make_candidate(db, 3002, None, with_proof=False)
    item = await review_queue.queue_item(db, STAFF, STAFF_IDS, 0, tz=TZ, tech_phone=PHONE)
    assert item is not None and (item.position, item.total) == (1, 2)
    assert item.registration_id == first.registration_id
    assert (item.id_number, item.mobile, item.institution) == (
        first.id_number,
        first.mobile,
        "安徽省建筑业协会",
    )
    assert item.verdict == () and item.photo_bytes is not None
    assert item.certificates[0].proofs[0].file_name == "证书扫描件.pdf"
    later = await review_queue.queue_item(db, STAFF, STAFF_IDS, 5, tz=TZ, tech_phone=PHONE)
    assert later is not None and later.registration_id == second.registration_id
    assert len(later.verdict) == 2  # no employer, no proof for the certificate


async def test_staff_see_the_same_findings_the_candidate_was_told(db: Database) -> None:
    candidate = await make_candidate(db, 3050, await make_institution(db), status="rejected")
    assert candidate.registration_id
    async with db.uow() as uow:
        registration = await uow.session.get(Registration, candidate.registration_id)
        profile = await uow.session.scalar(select(Profile).where(Profile.user_id == registration.user_id))
        assert registration is not None and profile is not None
        registration.occupation, profile.region = "焊工", "合肥市"
        await uow.commit()
    view = await registration_service.show(
        db, TelegramIdentity(3050, "考生"), candidate.registration_id, datetime.now(UTC), TZ, PHONE
    )
    told = tuple(t(u.key, **u.params) for u in view.unmet if u.code != "window")
    assert [u.code for u in view.unmet] == ["region", "qualification"]
    async with db.uow() as uow:
        registration = await uow.session.get(Registration, candidate.registration_id)
        assert registration is not None
        registration.status = "resubmitted"
        await uow.commit()
    item = await review_queue.queue_item(db, STAFF, STAFF_IDS, 0, tz=TZ, tech_phone=PHONE)
    assert item is not None and item.verdict == told
    assert PHONE in item.verdict[0] and "焊工" in item.verdict[1]


async def test_approving_and_rejecting_are_recorded_and_audited(db: Database) -> None:
    institution = await make_institution(db)
    one = await make_candidate(db, 3101, institution)
    two = await make_candidate(db, 3102, institution)
    assert one.registration_id and two.registration_id
    decided = await review.approve(db, STAFF, STAFF_IDS, one.registration_id, 1)
    assert (decided.status, decided.candidate_telegram_id) == ("approved", 3101)
    reason = review.preset_reason(1)
    rejected = await review.reject(db, STAFF, STAFF_IDS, two.registration_id, 1, reason)
    assert rejected.reason == reason
    assert await registration_status(db, one.registration_id) == ("approved", None, 2)
    assert await registration_status(db, two.registration_id) == ("rejected", reason, 2)
    async with db.uow() as uow:
        entries = (
            await uow.session.execute(select(AuditEntry.action, AuditEntry.before, AuditEntry.after))
        ).all()
    assert (
        "registration.approve",
        {"status": "submitted", "reject_reason": None},
        {"status": "approved", "reject_reason": None},
    ) in [tuple(e) for e in entries]
    assert await review_queue.queue_item(db, STAFF, STAFF_IDS, 0, tz=TZ, tech_phone=PHONE) is None


async def test_two_staff_deciding_at_once_cannot_both_succeed(db: Database) -> None:
    await make_staff_member(db, OTHER_STAFF.telegram_id)
    institution = await make_institution(db)
    candidate = await make_candidate(db, 3201, institution)
    assert candidate.registration_id
    results = await asyncio.gather(
        review.approve(db, STAFF, STAFF_IDS, candidate.registration_id, 1),
        review.reject(db, OTHER_STAFF, STAFF_IDS, candidate.registration_id, 1, "材料不清晰，请重新上传"),
        return_exceptions=True,
    )
    wins = [r for r in results if isinstance(r, review.Decision)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].key == "staff.review.conflict"
    status, _, version = await registration_status(db, candidate.registration_id)
    assert status == wins[0].status and version == 2
    async with db.uow() as uow:
        decisions = (
            await uow.session.scalars(select(AuditEntry).where(AuditEntry.action.like("registration.%")))
        ).all()
    assert len(decisions) == 1


async def test_a_decision_on_an_old_version_is_a_conflict(db: Database) -> None:
    candidate = await make_candidate(db, 3301, await make_institution(db))
    assert candidate.registration_id
    await review.approve(db, STAFF, STAFF_IDS, candidate.registration_id, 1)
    with pytest.raises(Conflict):
        await review.reject(db, STAFF, STAFF_IDS, candidate.registration_id, 1, "重复操作的原因")
    assert (await registration_status(db, candidate.registration_id))[0] == "approved"


async def test_candidates_and_liaisons_cannot_decide(db: Database) -> None:
    institution = await make_institution(db)
    candidate = await make_candidate(db, 3401, institution)
    await make_liaison(db, 3402, institution)
    assert candidate.registration_id
    for who in (TelegramIdentity(3401, "考生"), TelegramIdentity(3402, "联络人")):
        with pytest.raises(NotAllowed):
            await review.approve(db, who, STAFF_IDS, candidate.registration_id, 1)
        with pytest.raises(NotAllowed):
            await review_queue.queue_item(db, who, STAFF_IDS, 0, tz=TZ, tech_phone=PHONE)
    assert (await registration_status(db, candidate.registration_id))[0] == "submitted"


async def test_a_typed_reason_rejects_and_ends_the_flow(db: Database) -> None:
    candidate = await make_candidate(db, 3501, await make_institution(db))
    assert candidate.registration_id
    await review.start_typed_reason(db, STAFF, STAFF_IDS, candidate.registration_id, 1)
    with pytest.raises(InvalidInput):
        await review.reject_typed(db, STAFF, STAFF_IDS, "短")
    decision = await review.reject_typed(db, STAFF, STAFF_IDS, "照片不是近期免冠照片，请重新上传")
    assert decision.reason == "照片不是近期免冠照片，请重新上传"
    assert await dialogs.current(db, STAFF.telegram_id) is None


async def test_an_undelivered_notice_is_recorded_and_the_decision_stands(db: Database) -> None:
    candidate = await make_candidate(db, 3601, await make_institution(db))
    assert candidate.registration_id
    decision = await review.approve(db, STAFF, STAFF_IDS, candidate.registration_id, 1)
    await review.note_undelivered(db, decision)
    async with db.uow() as uow:
        user = await uow.session.scalar(select(User).where(User.telegram_id == 3601))
        note = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "notice.undelivered"))
        assert user is not None and user.blocked_bot
        assert note is not None and note.candidate_user_id == user.id
    assert (await registration_status(db, candidate.registration_id))[0] == "approved"
