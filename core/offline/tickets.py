"""Admission tickets (准考证) and check-in at the offline training day (签到)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.certificates.seals import current_seal
from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import (
    Batch,
    BatchAssignment,
    Institution,
    Photo,
    Plan,
    Profile,
    Registration,
    User,
    utcnow,
)
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.normalise import clean_text
from core.offline.batches import BatchView, batch_view, offline_batch
from core.offline.ticket_numbers import is_valid_ticket_number, normalise_ticket_number
from core.people.roles import require_staff
from core.people.users import TelegramIdentity, ensure_user
from core.profile.identity import mask_id
from core.render.ticket import TicketData, render_ticket
from core.texts import t

CHECKIN_FLOW = "checkin"


@dataclass(frozen=True, slots=True)
class TicketDocument:
    """A rendered admission ticket, ready to send."""

    ticket_no: str
    filename: str
    pdf: bytes


@dataclass(frozen=True, slots=True)
class CheckIn:
    """The outcome of one ticket scanned at the door."""

    name: str
    masked_id: str
    ticket_no: str
    present: int
    batch: BatchView


@dataclass(frozen=True, slots=True)
class Absentee:
    """Someone seated in a batch who has not checked in."""

    name: str
    masked_id: str
    ticket_no: str
    mobile: str


def normalise_ticket(raw: str) -> str:
    """Turn what staff typed or a scanner produced into the printed ticket number, or refuse it."""
    raw = clean_text(raw, code=True)
    if not is_valid_ticket_number(raw):
        raise InvalidInput("offline.checkin.malformed", code=raw[:32])
    return normalise_ticket_number(raw)


def ticket_notes() -> tuple[str, ...]:
    """考生须知 as printed on the ticket, one catalogue line each."""
    return tuple(line.strip() for line in t("documents.ticket_notes").splitlines() if line.strip())


async def ticket_data(session: AsyncSession, user_id: int, tz: ZoneInfo, issuer: str) -> TicketData:
    """Collect what the candidate's admission ticket prints, refusing those without a seat."""
    row = (
        await session.execute(
            select(BatchAssignment, Batch, Plan, Profile)
            .join(Batch, Batch.id == BatchAssignment.batch_id)
            .join(Plan, Plan.id == Batch.plan_id)
            .join(Profile, Profile.user_id == BatchAssignment.user_id)
            .where(BatchAssignment.user_id == user_id)
            .order_by(Batch.day.desc())
        )
    ).first()
    if row is None:
        raise NotAllowed("offline.ticket.no_seat")
    seat, batch, plan, profile = row
    photo = await session.scalar(select(Photo.data).where(Photo.user_id == user_id))
    employer = (
        await session.scalar(select(Institution.name).where(Institution.id == profile.institution_id))
        if profile.institution_id is not None
        else None
    )
    occupation = await session.scalar(
        select(Registration.occupation).where(Registration.id == seat.registration_id)
    )
    assert batch.day is not None
    hour, minute = (int(part) for part in (batch.start_time or "09:00").split(":"))
    return TicketData(
        name=profile.name or "",
        id_number_masked=mask_id(profile.id_number or ""),
        plan_no=plan.plan_no,
        plan_name=plan.name,
        batch_name=batch.name,
        starts_at=datetime.combine(batch.day, time(hour, minute), tzinfo=tz),
        place=batch.place or "",
        ticket_no=seat.ticket_no,
        photo=photo,
        notes=ticket_notes(),
        issuer=issuer,
        gender=profile.gender or "",
        employer=employer or "",
        occupation=occupation or "",
        seal_png=await current_seal(session),
    )


async def my_ticket(db: Database, who: TelegramIdentity, tz: ZoneInfo, issuer: str) -> TicketDocument:
    """Render the candidate's admission ticket from what the database holds now, with the centre's seal."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        data = await ticket_data(uow.session, user.id, tz, issuer)
        await uow.commit()
    return TicketDocument(
        data.ticket_no, t("offline.ticket.filename", ticket=data.ticket_no), render_ticket(data)
    )


async def open_checkin(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], batch_id: int
) -> BatchView:
    """Put staff in check-in mode for one batch: every code they send next is checked against it."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        batch = await offline_batch(uow.session, batch_id)
        state = DialogState(CHECKIN_FLOW, "scan", {"batch_id": batch.id})
        await dialogs.save(uow.session, actor.user_id, state)
        view = await batch_view(uow.session, batch)
        await uow.commit()
    return view


async def check_in(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], raw_code: str, tz: ZoneInfo
) -> CheckIn:
    """Mark a ticket present in the batch staff opened; unknown, foreign and repeated codes change nothing."""
    code = normalise_ticket(raw_code)
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != CHECKIN_FLOW:
            raise NotAllowed("offline.checkin.no_batch")
        batch = await offline_batch(uow.session, int(state.data["batch_id"]))
        seat = await uow.session.scalar(
            select(BatchAssignment).where(BatchAssignment.ticket_no == code).with_for_update()
        )
        if seat is None:
            raise NotFound("offline.checkin.unknown", code=code)
        if seat.batch_id != batch.id:
            other = await uow.session.get(Batch, seat.batch_id)
            assert other is not None
            raise Conflict("offline.checkin.other_batch", code=code, other=other.name, batch=batch.name)
        profile = await uow.session.scalar(select(Profile).where(Profile.user_id == seat.user_id))
        name = profile.name if profile is not None and profile.name else ""
        masked = mask_id(profile.id_number or "") if profile is not None else ""
        if seat.checked_in_at is not None:
            at = t("common.datetime", d=seat.checked_in_at.astimezone(tz))
            raise Conflict("offline.checkin.again", name=name, at=at)
        seat.checked_in_at = utcnow()
        seat.checked_in_by_user_id = actor.user_id
        await uow.session.flush()
        view = await batch_view(uow.session, batch)
        present = await _present(uow.session, batch.id)
        await uow.commit()
    return CheckIn(name, masked, code, present, view)


async def _present(session: AsyncSession, batch_id: int) -> int:
    rows = await session.scalars(
        select(BatchAssignment.id).where(
            BatchAssignment.batch_id == batch_id, BatchAssignment.checked_in_at.is_not(None)
        )
    )
    return len(rows.all())


async def absentees(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], batch_id: int | None
) -> tuple[BatchView, list[Absentee]]:
    """Who in a batch (the one open for check-in, if none is named) has not checked in."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        if batch_id is None:
            state = await dialogs.load(uow.session, actor.user_id)
            if state is None or state.flow != CHECKIN_FLOW:
                raise NotAllowed("offline.checkin.no_batch")
            batch_id = int(state.data["batch_id"])
        batch = await offline_batch(uow.session, batch_id)
        rows = await uow.session.execute(
            select(BatchAssignment.ticket_no, Profile.name, Profile.id_number, Profile.mobile)
            .join(Profile, Profile.user_id == BatchAssignment.user_id)
            .where(BatchAssignment.batch_id == batch.id, BatchAssignment.checked_in_at.is_(None))
            .order_by(BatchAssignment.id)
        )
        missing = [
            Absentee(name or "", mask_id(id_number or ""), ticket, mobile or "")
            for ticket, name, id_number, mobile in rows
        ]
        view = await batch_view(uow.session, batch)
    return view, missing


@dataclass(frozen=True, slots=True)
class SeatFacts:
    """A candidate's seat as the archive and results show it."""

    batch_name: str
    day: date
    start_time: str
    place: str
    ticket_no: str
    checked_in_at: datetime | None


async def seat_of(session: AsyncSession, user_id: int) -> SeatFacts | None:
    """The candidate's offline seat, if they have one."""
    row = (
        await session.execute(
            select(BatchAssignment, Batch)
            .join(Batch, Batch.id == BatchAssignment.batch_id)
            .join(Registration, Registration.id == BatchAssignment.registration_id)
            .join(User, User.id == Registration.user_id)
            .where(BatchAssignment.user_id == user_id)
            .order_by(Batch.day.desc())
        )
    ).first()
    if row is None:
        return None
    seat, batch = row
    assert batch.day is not None
    return SeatFacts(
        batch.name, batch.day, batch.start_time or "", batch.place or "", seat.ticket_no, seat.checked_in_at
    )
