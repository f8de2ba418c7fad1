"""Scheduled notices: issue what is due into the outbox once per (notice, recipient); receipts and muting."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import (
    Batch,
    Institution,
    Notice,
    NoticePreference,
    OutboxMessage,
    Plan,
    Profile,
    Registration,
    User,
)
from core.errors import NotFound
from core.notices import audiences, outbox
from core.notices.audiences import Person
from core.notices.schedule import (
    BATCH,
    DIGEST,
    REGISTRATION,
    STUDY,
    STUDY_MUTABLE_DAYS,
    BatchDates,
    PlanDates,
    PlannedNotice,
    days_left,
    due,
    plan_notices,
)
from core.people.users import TelegramIdentity, ensure_user
from core.texts import t

log = logging.getLogger(__name__)
MAX_NAMES = 30


@dataclass(frozen=True, slots=True)
class IssueSummary:
    """What one pass over the schedule did."""

    issued: tuple[tuple[str, int], ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """A liaison's 已阅, recorded (or already recorded)."""

    already: bool


async def planned(db: Database, tz: ZoneInfo) -> list[PlannedNotice]:
    """The schedule the published plans and dated batches call for right now."""
    async with db.uow() as uow:
        plans = await uow.session.execute(
            select(
                Plan.id, Plan.registration_start, Plan.registration_end, Plan.study_start, Plan.study_end
            ).where(Plan.status == "published")
        )
        batches = await uow.session.execute(
            select(Batch.id, Batch.day, Batch.start_time)
            .join(Plan, Plan.id == Batch.plan_id)
            .where(Plan.status == "published", Batch.day.is_not(None))
        )
        plan_dates = [PlanDates(*row) for row in plans.all()]
        batch_dates = [BatchDates(bid, day, start) for bid, day, start in batches.all() if day is not None]
    return plan_notices(plan_dates, batch_dates, tz)


async def issue_due(db: Database, now: datetime, tz: ZoneInfo) -> IssueSummary:
    """Issue every notice due at `now` that is not recorded yet; record overdue ones as skipped."""
    schedule = await planned(db, tz)
    keys = [p.key for p in schedule if p.fire_at <= now]
    async with db.uow() as uow:
        recorded = (
            set((await uow.session.scalars(select(Notice.key).where(Notice.key.in_(keys)))).all())
            if keys
            else set()
        )
    chosen = due(schedule, recorded, now)
    issued: list[tuple[str, int]] = []
    skipped: list[str] = []
    for notice in chosen.skip:
        if await _record(db, notice, now, skipped=True) is not None:
            skipped.append(notice.key)
    for notice in chosen.issue:
        count = await _record(db, notice, now, skipped=False, tz=tz)
        if count is not None:
            issued.append((notice.key, count))
            log.info("notice %s issued to %d recipients", notice.key, count)
    return IssueSummary(tuple(issued), tuple(skipped))


async def _record(
    db: Database, planned_notice: PlannedNotice, now: datetime, *, skipped: bool, tz: ZoneInfo | None = None
) -> int | None:
    """Write the notice row and its outbox rows in one transaction; None if another pass recorded it first."""
    try:
        async with db.uow() as uow:
            session = uow.session
            notice = Notice(
                key=planned_notice.key,
                kind=planned_notice.kind,
                status="skipped" if skipped else "issued",
                deadline=planned_notice.deadline,
                audience={
                    "plan_id": planned_notice.plan_id,
                    "batch_id": planned_notice.batch_id,
                    "days": planned_notice.days,
                },
                created_at=now,
            )
            session.add(notice)
            await session.flush()
            count = 0
            if not skipped:
                assert tz is not None
                recipients = await _recipients(session, planned_notice, now, tz)
                count = await outbox.queue(session, notice.id, recipients)
            await uow.commit()
            return count
    except IntegrityError:
        return None


async def _names(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, str]:
    rows = await session.execute(
        select(User.id, func.coalesce(Profile.name, User.first_name))
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(User.id.in_(user_ids))
    )
    return {uid: name or "?" for uid, name in rows.all()}


def _left(days: int) -> str:
    return t("notices.deadline.left_days", days=days) if days else t("notices.deadline.left_today")


async def _recipients(
    session: AsyncSession, notice: PlannedNotice, now: datetime, tz: ZoneInfo
) -> list[outbox.Recipient]:
    if notice.kind == REGISTRATION:
        return await _registration(session, notice, now, tz)
    if notice.kind == STUDY:
        return await _study(session, notice, now, tz)
    if notice.kind == BATCH:
        return await _batch(session, notice)
    if notice.kind == DIGEST:
        return await _digest(session, notice)
    return []


async def _registration(
    session: AsyncSession, notice: PlannedNotice, now: datetime, tz: ZoneInfo
) -> list[outbox.Recipient]:
    plan = await session.get(Plan, notice.plan_id)
    if plan is None or notice.day is None:
        return []
    left = days_left(notice.day, now, tz)
    people = await audiences.registration_unfinished(session, plan.id)
    text = t("notices.deadline.registration", plan=plan.name, end=notice.day, left=_left(left))
    result = [outbox.Recipient(p.user_id, p.chat_id, text) for p in people]
    by_institution: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        if person.institution_id is not None:
            by_institution[person.institution_id].append(person)
    liaisons = await audiences.liaisons_of(session, list(by_institution))
    names = await _names(session, [p.user_id for p in people])
    for institution_id, members in sorted(by_institution.items()):
        liaison = liaisons.get(institution_id)
        if liaison is None:
            continue
        listed = "、".join(names.get(p.user_id, "?") for p in members[:MAX_NAMES])
        if len(members) > MAX_NAMES:
            listed += "……"
        liaison_text = t(
            "notices.deadline.registration_liaison",
            plan=plan.name,
            end=notice.day,
            left=_left(left),
            count=len(members),
            names=listed,
        )
        result.insert(0, outbox.Recipient(liaison.user_id, liaison.chat_id, liaison_text, ack_required=True))
    return result


async def _study(
    session: AsyncSession, notice: PlannedNotice, now: datetime, tz: ZoneInfo
) -> list[outbox.Recipient]:
    plan = await session.get(Plan, notice.plan_id)
    if plan is None or notice.day is None:
        return []
    mutable = notice.days in STUDY_MUTABLE_DAYS
    people = await audiences.study_behind(session, plan, include_muted=not mutable)
    text = t(
        "notices.deadline.study",
        plan=plan.name,
        end=notice.day,
        left=_left(days_left(notice.day, now, tz)),
        required=plan.required_study_minutes,
    )
    if mutable:
        text += "\n" + t("notices.deadline.study_mutable_hint")
    return [outbox.Recipient(p.user_id, p.chat_id, text) for p in people]


async def _batch(session: AsyncSession, notice: PlannedNotice) -> list[outbox.Recipient]:
    batch = await session.get(Batch, notice.batch_id)
    if batch is None or batch.day is None:
        return []
    seated = await audiences.batch_attendees(session, batch.id)
    return [
        outbox.Recipient(
            person.user_id,
            person.chat_id,
            t(
                "notices.deadline.batch",
                batch=batch.name,
                day=batch.day,
                time=batch.start_time or "",
                place=batch.place or "",
                ticket=ticket,
            ),
        )
        for person, ticket in seated
    ]


async def _digest(session: AsyncSession, notice: PlannedNotice) -> list[outbox.Recipient]:
    result: list[outbox.Recipient] = []
    for liaison in await audiences.all_liaisons(session):
        rows = await session.execute(
            select(Registration.status, func.count())
            .join(Profile, Profile.user_id == Registration.user_id)
            .where(Profile.institution_id == liaison.institution_id)
            .group_by(Registration.status)
        )
        tally = Counter({status: number for status, number in rows.all()})
        if not sum(tally.values()):
            continue
        name = await session.scalar(select(Institution.name).where(Institution.id == liaison.institution_id))
        text = t(
            "notices.deadline.digest",
            institution=name or "",
            day=notice.day,
            draft=tally["draft"],
            submitted=tally["submitted"],
            approved=tally["approved"],
            rejected=tally["rejected"],
        )
        result.append(outbox.Recipient(liaison.user_id, liaison.chat_id, text, ack_required=True))
    return result


async def acknowledge(db: Database, who: TelegramIdentity, outbox_id: int, now: datetime) -> Acknowledged:
    """Record a 已阅 press; only the row's own recipient may acknowledge it."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        row = await uow.session.get(OutboxMessage, outbox_id)
        if row is None or row.user_id != user.id or not row.ack_required:
            raise NotFound("common.stale_button")
        if row.acked_at is not None:
            return Acknowledged(already=True)
        row.acked_at = now
        await uow.commit()
    return Acknowledged(already=False)


async def set_study_mute(db: Database, who: TelegramIdentity, muted: bool) -> None:
    """Mute or unmute study progress reminders; deadline notices are never muted."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        preference = await uow.session.get(NoticePreference, user.id)
        if preference is None:
            uow.session.add(NoticePreference(user_id=user.id, mute_study=muted))
        else:
            preference.mute_study = muted
        await uow.commit()


async def unacknowledged(session: AsyncSession, notice_id: int) -> list[int]:
    """User ids of liaisons who have not pressed 已阅 on a notice."""
    rows = await session.scalars(
        select(OutboxMessage.user_id).where(
            OutboxMessage.notice_id == notice_id,
            OutboxMessage.ack_required.is_(True),
            OutboxMessage.acked_at.is_(None),
        )
    )
    return list(rows.all())
