"""Delivery reports: how far each notice got, who has not pressed 已阅, and the report to the sender."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Notice, OutboxMessage, StaffMember, User, utcnow
from core.errors import NotFound
from core.notices import outbox
from core.notices.broadcast import KIND, REPORT_KIND, UNLISTED_KINDS
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.texts import t


@dataclass(frozen=True, slots=True)
class Report:
    """How one broadcast went, and which liaisons have not acknowledged it."""

    notice_id: int  # internal: button data only; people read `sender` and `number`
    created_at: datetime
    text: str
    audience_label: str
    total: int
    sent: int
    undeliverable: int
    pending: int
    acked: int
    ack_expected: int
    not_acked: tuple[str, ...]
    sender: str = ""  # the staff member who sent it, or the kind of scheduled notice
    number: int = 1  # the sender's 1st, 2nd… notice of this kind


async def _numbered(session: AsyncSession, notice: Notice) -> tuple[str, int]:
    """Who sent the notice and how many of theirs (of this kind) it makes: numbers people can follow."""
    same_sender = (
        Notice.created_by_user_id == notice.created_by_user_id
        if notice.created_by_user_id is not None
        else Notice.created_by_user_id.is_(None)
    )
    number = await session.scalar(
        select(func.count()).where(Notice.kind == notice.kind, same_sender, Notice.id <= notice.id)
    )
    sender = t(f"notices.kind.{notice.kind}")
    if notice.created_by_user_id is not None:
        row = (
            await session.execute(
                select(StaffMember.name, User.first_name)
                .select_from(User)
                .outerjoin(StaffMember, StaffMember.telegram_id == User.telegram_id)
                .where(User.id == notice.created_by_user_id)
            )
        ).first()
        if row is not None:
            sender = row[0] or row[1] or sender
    return sender, int(number or 1)


async def _report(session: AsyncSession, notice: Notice) -> Report:
    tally = (await outbox.counts(session, [notice.id]))[notice.id]
    expected = await session.scalar(
        select(func.count()).where(OutboxMessage.notice_id == notice.id, OutboxMessage.ack_required.is_(True))
    )
    names = await session.scalars(
        select(User.first_name)
        .join(OutboxMessage, OutboxMessage.user_id == User.id)
        .where(
            OutboxMessage.notice_id == notice.id,
            OutboxMessage.ack_required.is_(True),
            OutboxMessage.acked_at.is_(None),
        )
        .order_by(User.id)
        .limit(50)
    )
    return Report(
        notice.id,
        notice.created_at,
        (notice.text or t(f"notices.kind.{notice.kind}"))[:60],
        str(notice.audience.get("label") or t("notices.audience.scheduled")),
        tally.total,
        tally.sent,
        tally.undeliverable,
        tally.pending,
        tally.acked,
        int(expected or 0),
        tuple(n or "?" for n in names.all()),
        *await _numbered(session, notice),
    )


async def report(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], notice_id: int) -> Report:
    """One notice's delivery report and who has not acknowledged it."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        notice = await uow.session.get(Notice, notice_id)
        if notice is None:
            raise NotFound("notices.broadcast.not_found")
        return await _report(uow.session, notice)


async def recent(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], limit: int = 10
) -> list[Report]:
    """The latest broadcasts and liaison notices with their delivery reports, newest first."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        rows = await uow.session.scalars(
            select(Notice)
            .where(Notice.kind.not_in(UNLISTED_KINDS), Notice.status == "issued")
            .order_by(Notice.id.desc())
            .limit(limit)
        )
        return [await _report(uow.session, notice) for notice in rows.all()]


def report_text(item: Report) -> str:
    """The delivery report as the sender reads it."""
    text = t(
        "notices.report.body",
        sender=item.sender,
        number=item.number,
        audience=item.audience_label,
        text=item.text,
        total=item.total,
        sent=item.sent,
        undeliverable=item.undeliverable,
        pending=item.pending,
    )
    if item.ack_expected:
        text += "\n" + t("notices.report.acks", acked=item.acked, expected=item.ack_expected)
        if item.not_acked:
            text += "\n" + t("notices.report.not_acked", names="、".join(item.not_acked))
    return text


async def queue_reports(db: Database, notice_ids: set[int]) -> int:
    """Queue a delivery report to the sender of each broadcast whose delivery just finished."""
    if not notice_ids:
        return 0
    queued = 0
    async with db.uow() as uow:
        session = uow.session
        unfinished = exists().where(
            OutboxMessage.notice_id == Notice.id, OutboxMessage.status.in_((outbox.PENDING, outbox.SENDING))
        )
        notices = await session.scalars(
            select(Notice).where(
                Notice.id.in_(notice_ids),
                Notice.kind == KIND,
                Notice.reported_at.is_(None),
                Notice.created_by_user_id.is_not(None),
                ~unfinished,
            )
        )
        for notice in notices.all():
            item = await _report(session, notice)
            claimed = await session.execute(
                update(Notice)
                .where(Notice.id == notice.id, Notice.reported_at.is_(None))
                .values(reported_at=utcnow())
            )
            if not getattr(claimed, "rowcount", 0):
                continue
            sender = await session.get(User, notice.created_by_user_id)
            if sender is None:
                continue
            report_notice = Notice(key=f"report:{notice.id}", kind=REPORT_KIND, audience={})
            session.add(report_notice)
            await session.flush()
            await outbox.queue(
                session,
                report_notice.id,
                [outbox.Recipient(sender.id, sender.telegram_id, report_text(item))],
            )
            queued += 1
        await uow.commit()
    return queued
