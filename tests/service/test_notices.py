"""Scheduled notices: issued once to exactly the people concerned, late once or skipped, muting, receipts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import (
    Batch,
    BatchAssignment,
    Institution,
    Liaison,
    Notice,
    OutboxMessage,
    Plan,
    Profile,
    QuizAttempt,
    Registration,
    StudySession,
    User,
)
from core.db.models.study import CourseModule
from core.errors import NotFound
from core.notices import service as notices
from core.people.users import TelegramIdentity

TZ = ZoneInfo("Asia/Shanghai")
COMPLETE = {
    "id_type": "居民身份证",
    "gender": "男",
    "birth_date": date(1985, 1, 1),
    "education": "本科",
    "mobile": "13800000000",
    "email": "kaosheng@example.com",
    "postcode": "230001",
    "region": "省直",
    "category": "企业职工",
    "address": "合肥市",
}


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


async def seed_programme(
    db: Database,
    start: date = date(2026, 7, 30),
    registration_end: date = date(2026, 8, 16),
    study_end: date = date(2026, 8, 27),
) -> dict[str, int]:
    """A plan (by default Aug 16 and Aug 27 deadlines), two institutions, liaisons, a candidate per step."""
    async with db.uow() as uow:
        s = uow.session
        plan = Plan(
            plan_no="2026000001",
            name="2026年考评员培训",
            registration_start=start,
            registration_end=registration_end,
            study_start=start,
            study_end=study_end,
        )
        first = Institution(
            name="安徽建工集团", uscc="91340000000000001A", kind="central_branch", filing_status="filed"
        )
        second = Institution(
            name="省机械行业协会", uscc="91340000000000002B", kind="provincial_org", filing_status="filed"
        )
        s.add_all([plan, first, second])
        await s.flush()
        ids: dict[str, int] = {"plan": plan.id, "inst1": first.id, "inst2": second.id}
        people = {
            "liaison1": 5001,
            "liaison2": 5002,
            "draft": 1001,
            "incomplete": 1002,
            "submitted": 1003,
            "approved_new": 1004,
            "approved_done": 1005,
            "rejected": 1006,
            "profile_only": 1007,
            "stranger": 1008,
        }
        for key, telegram_id in people.items():
            user = User(telegram_id=telegram_id, first_name=key)
            s.add(user)
            await s.flush()
            ids[key] = user.id
        s.add_all(
            [
                Liaison(institution_id=first.id, user_id=ids["liaison1"]),
                Liaison(institution_id=second.id, user_id=ids["liaison2"]),
            ]
        )
        for n, key in enumerate(
            ("draft", "incomplete", "submitted", "approved_new", "approved_done", "rejected", "profile_only")
        ):
            fields = dict(COMPLETE) if key != "incomplete" else {"id_type": "居民身份证"}
            institution = first.id if n % 2 == 0 else second.id
            s.add(
                Profile(
                    user_id=ids[key],
                    name=f"考生{key}",
                    id_number=f"34010119850101{n:04d}",
                    institution_id=institution,
                    **fields,
                )
            )
        for key, status in (
            ("draft", "draft"),
            ("incomplete", "draft"),
            ("submitted", "submitted"),
            ("approved_new", "approved"),
            ("approved_done", "approved"),
            ("rejected", "rejected"),
        ):
            registration = Registration(user_id=ids[key], plan_id=plan.id, status=status)
            s.add(registration)
            await s.flush()
            ids[f"reg_{key}"] = registration.id
        module = CourseModule(code="M1", title="政策法规", minutes=180, body="…")
        s.add(module)
        await s.flush()
        s.add(
            StudySession(
                registration_id=ids["reg_approved_done"],
                module_id=module.id,
                opened_at=at(8, 1),
                closed_at=at(8, 1, 4),
                outcome="finished",
                credited_seconds=180 * 60,
            )
        )
        s.add(
            QuizAttempt(
                registration_id=ids["reg_approved_done"],
                attempt_no=1,
                started_at=at(8, 2),
                deadline=at(8, 2, 1),
                submitted_at=at(8, 2, 0, 30),
                status="submitted",
                score=95,
                seed=1,
            )
        )
        await uow.commit()
    return ids


@dataclass(frozen=True)
class Row:
    id: int
    notice_id: int
    text: str | None
    ack_required: bool
    status: str


async def recipients(db: Database, key: str) -> dict[int, Row]:
    """The outbox rows of one notice, by user id."""
    async with db.uow() as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage).join(Notice, Notice.id == OutboxMessage.notice_id).where(Notice.key == key)
        )
        return {r.user_id: Row(r.id, r.notice_id, r.text, r.ack_required, r.status) for r in rows.all()}


async def test_registration_closing_goes_to_unfinished_candidates_and_their_liaisons_once(
    db: Database,
) -> None:
    ids = await seed_programme(db)
    summary = await notices.issue_due(db, at(8, 13, 9), TZ)
    key = f"reg:{ids['plan']}:2026-08-16:3"
    assert (key, 6) in summary.issued
    got = await recipients(db, key)
    concerned = ("draft", "incomplete", "rejected", "profile_only", "liaison1", "liaison2")
    assert set(got) == {ids[k] for k in concerned}
    assert "还剩 3 天" in (got[ids["draft"]].text or "")
    liaison_text = got[ids["liaison1"]].text or ""
    assert (
        got[ids["liaison1"]].ack_required
        and "考生draft" in liaison_text
        and "考生incomplete" not in liaison_text
    )
    again = await notices.issue_due(db, at(8, 13, 9, 10), TZ)
    assert key not in dict(again.issued)
    assert len(await recipients(db, key)) == len(got)


async def test_registration_closing_uses_eligibilitys_profile_test_email_postcode_and_blanks_count(
    db: Database,
) -> None:
    ids = await seed_programme(db)
    async with db.uow() as uow:
        profiles = {p.user_id: p for p in await uow.session.scalars(select(Profile))}
        profiles[ids["submitted"]].postcode = "   "  # blank: missing, as eligibility sees it
        profiles[ids["approved_new"]].email = None
        profiles[ids["approved_done"]].institution_id = None  # the employer rule, not 个人信息
        await uow.commit()
    await notices.issue_due(db, at(8, 13, 9), TZ)
    got = await recipients(db, f"reg:{ids['plan']}:2026-08-16:3")
    assert ids["submitted"] in got and ids["approved_new"] in got
    assert ids["approved_done"] not in got


async def test_study_closing_goes_to_approved_candidates_behind_and_respects_mute_until_the_last_day(
    db: Database,
) -> None:
    ids = await seed_programme(db)
    await notices.set_study_mute(db, TelegramIdentity(1004, "approved_new"), True)
    await notices.issue_due(db, at(8, 20, 9), TZ)
    assert await recipients(db, f"study:{ids['plan']}:2026-08-27:7") == {}
    await notices.set_study_mute(db, TelegramIdentity(1004, "approved_new"), False)
    await notices.issue_due(db, at(8, 24, 9), TZ)
    assert set(await recipients(db, f"study:{ids['plan']}:2026-08-27:3")) == {ids["approved_new"]}
    await notices.set_study_mute(db, TelegramIdentity(1004, "approved_new"), True)
    await notices.issue_due(db, at(8, 26, 9), TZ)
    last = await recipients(db, f"study:{ids['plan']}:2026-08-27:1")
    assert set(last) == {ids["approved_new"]}
    assert "/mute" not in (last[ids["approved_new"]].text or "")


async def test_a_notice_missed_while_down_is_sent_late_once_and_a_closed_window_is_skipped(
    db: Database,
) -> None:
    ids = await seed_programme(db)
    late = await notices.issue_due(db, at(8, 16, 8), TZ)
    assert f"reg:{ids['plan']}:2026-08-16:1" in dict(late.issued)
    assert f"reg:{ids['plan']}:2026-08-16:3" in late.skipped
    after = await notices.issue_due(db, at(8, 28, 10), TZ)
    assert all(not key.startswith("study:") for key, _ in after.issued)
    assert f"study:{ids['plan']}:2026-08-27:1" in after.skipped
    async with db.uow() as uow:
        count = await uow.session.scalar(
            select(func.count()).select_from(Notice).where(Notice.key.like("reg:%"))
        )
    assert count == 2


async def test_batch_reminder_reaches_only_the_people_seated_in_the_batch(db: Database) -> None:
    ids = await seed_programme(db)
    async with db.uow() as uow:
        batch = Batch(
            plan_id=ids["plan"],
            code="B1",
            name="第一期",
            day=date(2026, 9, 5),
            start_time="08:30",
            place="合肥市蜀山区培训中心",
        )
        uow.session.add(batch)
        await uow.session.flush()
        uow.session.add(
            BatchAssignment(
                batch_id=batch.id,
                registration_id=ids["reg_approved_done"],
                user_id=ids["approved_done"],
                ticket_no="T0001",
            )
        )
        await uow.commit()
        batch_id = batch.id
    await notices.issue_due(db, at(9, 4, 9), TZ)
    got = await recipients(db, f"batch:{batch_id}:2026-09-05")
    assert set(got) == {ids["approved_done"]}
    assert "T0001" in (got[ids["approved_done"]].text or "") and "08:30" in (
        got[ids["approved_done"]].text or ""
    )


async def test_each_liaison_gets_a_digest_of_their_own_institution_with_a_receipt_button(
    db: Database,
) -> None:
    ids = await seed_programme(db)
    await notices.issue_due(db, at(8, 1, 18), TZ)
    got = await recipients(db, "digest:2026-08-01")
    assert set(got) == {ids["liaison1"], ids["liaison2"]}
    assert "安徽建工集团" in (got[ids["liaison1"]].text or "") and got[ids["liaison1"]].ack_required
    row = got[ids["liaison1"]]
    first = await notices.acknowledge(db, TelegramIdentity(5001, "l"), row.id, at(8, 1, 19))
    second = await notices.acknowledge(db, TelegramIdentity(5001, "l"), row.id, at(8, 1, 19))
    assert (first.already, second.already) == (False, True)
    with pytest.raises(NotFound):
        await notices.acknowledge(db, TelegramIdentity(5002, "l"), row.id, at(8, 1, 19))
    async with db.uow() as uow:
        waiting = await notices.unacknowledged(uow.session, row.notice_id)
    assert waiting == [ids["liaison2"]]
