"""Offline training batches (线下培训分期): staff create one-day batches and seat those who passed online."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Batch, BatchAssignment, Institution, Plan, Profile, Registration, User
from core.errors import Conflict, InvalidInput, NotFound
from core.normalise import ID_MAX, clean_text, guard_text, parse_int
from core.notices.audiences import PassedCandidate, passed_quiz
from core.offline.ticket_numbers import new_ticket_number
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.profile.identity import parse_date
from core.texts import t

MAX_CAPACITY = 500
MAX_BATCHES = 99  # ticket numbers carry the batch as two digits


@dataclass(frozen=True, slots=True)
class BatchView:
    """An offline batch as staff and candidates see it."""

    id: int
    plan_no: str
    plan_name: str
    name: str
    day: date
    start_time: str
    place: str
    capacity: int
    assigned: int


@dataclass(frozen=True, slots=True)
class Seat:
    """One candidate seated by an assignment, with what their notice needs."""

    telegram_id: int
    name: str
    ticket_no: str


@dataclass(frozen=True, slots=True)
class AssignmentReport:
    """What an assignment did: the batch after it, who was seated, and how many still wait for a seat."""

    batch: BatchView
    seated: tuple[Seat, ...]
    still_waiting: int


async def assigned_count(session: AsyncSession, batch_id: int) -> int:
    """How many seats of a batch are taken."""
    count = await session.scalar(
        select(func.count()).select_from(BatchAssignment).where(BatchAssignment.batch_id == batch_id)
    )
    return int(count or 0)


async def batch_view(session: AsyncSession, batch: Batch) -> BatchView:
    """Build the plain view of an offline batch."""
    plan = await session.get(Plan, batch.plan_id)
    assert plan is not None and batch.day is not None
    return BatchView(
        id=batch.id,
        plan_no=plan.plan_no,
        plan_name=plan.name,
        name=batch.name,
        day=batch.day,
        start_time=batch.start_time or "",
        place=batch.place or "",
        capacity=batch.capacity or 0,
        assigned=await assigned_count(session, batch.id),
    )


async def offline_batch(session: AsyncSession, batch_id: int, *, lock: bool = False) -> Batch:
    """Load an offline batch (one with a day and a capacity), refusing ids that are not one."""
    query = select(Batch).where(Batch.id == batch_id, Batch.day.is_not(None), Batch.capacity.is_not(None))
    batch = await session.scalar(query.with_for_update() if lock else query)
    if batch is None:
        raise NotFound("offline.batch.not_found", batch=batch_id)
    return batch


def batch_sequence(batch: Batch) -> int:
    """The batch's number within its plan (code 03 → 3), which ticket numbers carry as two digits."""
    code = batch.code.lstrip("Xx")
    if not code.isdigit() or not 1 <= int(code) <= MAX_BATCHES:
        raise Conflict("offline.batch.code_not_numbered", code=batch.code)
    return int(code)


def parse_batch_id(raw: str) -> int:
    """Read the batch number staff typed (e.g. 3 or #3)."""
    return parse_int(clean_text(raw, code=True).lstrip("#"), low=1, high=ID_MAX, error="offline.batch.bad_id")


def parse_time(raw: str) -> str:
    """A start time staff typed, as HH:MM."""
    match = re.fullmatch(r"([01]?\d|2[0-3])[:：]([0-5]\d)", clean_text(raw, code=True))
    if match is None:
        raise InvalidInput("offline.batch.bad_time", value=raw[:20])
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_capacity(raw: str) -> int:
    """A batch size staff typed, 1 to MAX_CAPACITY."""
    return parse_int(raw, low=1, high=MAX_CAPACITY, error="offline.batch.bad_capacity")


async def create_batch(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    args: list[str],
    today: date,
) -> BatchView:
    """Create a one-day offline batch from `计划编号 日期 开始时间 人数 地点`; staff use the dialog."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        if len(args) < 5:
            raise InvalidInput("offline.batch.usage")
        plan_no, day_raw, time_raw, capacity_raw = args[:4]
        day = parse_day(day_raw, today)
        start_time = parse_time(time_raw)
        capacity = parse_capacity(capacity_raw)
        place = parse_place(" ".join(args[4:]))
        plan = await uow.session.scalar(select(Plan).where(Plan.plan_no == plan_no.strip()))
        if plan is None:
            raise NotFound("offline.batch.no_plan", plan_no=plan_no[:32])
        view = await add_batch(uow.session, plan, NewBatch(day, start_time, place, capacity))
        await uow.commit()
    return view


@dataclass(frozen=True, slots=True)
class NewBatch:
    """What staff gave for a new offline batch, each value already checked."""

    day: date
    start_time: str
    place: str
    capacity: int


def parse_day(raw: str, today: date) -> date:
    """A training day staff typed: a real date, today or later."""
    day = parse_date(raw)
    if day is None:
        raise InvalidInput("offline.batch.bad_day", value=raw[:20])
    if day < today:
        raise InvalidInput("offline.batch.day_past", day=t("common.date", d=day))
    return day


def parse_place(raw: str) -> str:
    """A training place staff typed."""
    return guard_text(raw, t("offline.batch.place_label"), max_len=100, min_len=2)


async def add_batch(session: AsyncSession, plan: Plan, new: NewBatch) -> BatchView:
    """Add the plan's next numbered offline batch inside the caller's unit of work."""
    codes = (await session.scalars(select(Batch.code).where(Batch.plan_id == plan.id))).all()
    number = max((int(c) for c in codes if c.isdigit()), default=0) + 1
    if number > MAX_BATCHES:
        raise Conflict("offline.batch.too_many", max=MAX_BATCHES)
    batch = Batch(
        plan_id=plan.id,
        code=f"{number:02d}",
        name=t("offline.batch.default_name", number=number),
        day=new.day,
        start_time=new.start_time,
        place=new.place,
        capacity=new.capacity,
    )
    session.add(batch)
    await session.flush()
    return await batch_view(session, batch)


async def list_batches(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> list[BatchView]:
    """Every offline batch, soonest first, with seats taken."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        batches = await uow.session.scalars(
            select(Batch)
            .where(Batch.day.is_not(None), Batch.capacity.is_not(None))
            .order_by(Batch.day, Batch.id)
        )
        return [await batch_view(uow.session, b) for b in batches.all()]


async def _waiting(session: AsyncSession, plan_id: int, institution_id: int | None) -> list[PassedCandidate]:
    seated = set(
        (
            await session.scalars(
                select(BatchAssignment.registration_id)
                .join(Registration, Registration.id == BatchAssignment.registration_id)
                .where(Registration.plan_id == plan_id)
            )
        ).all()
    )
    waiting = [p for p in await passed_quiz(session, plan_id) if p.registration_id not in seated]
    if institution_id is not None:
        waiting = [p for p in waiting if p.institution_id == institution_id]
    return waiting


async def assign(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    batch_id: int,
    institution_name: str | None = None,
) -> AssignmentReport:
    """Seat waiting passers in order of passing (filling free seats), or one institution's people together.

    An institution is seated whole or not at all, so its people train on the same day.
    """
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        batch = await offline_batch(uow.session, batch_id, lock=True)
        free = (batch.capacity or 0) - await assigned_count(uow.session, batch.id)
        if free <= 0:
            raise Conflict("rules.batch.full")
        institution_id: int | None = None
        if institution_name:
            institution_id = await uow.session.scalar(
                select(Institution.id).where(Institution.name == institution_name.strip())
            )
            if institution_id is None:
                raise NotFound("offline.batch.no_institution", name=institution_name[:60])
        waiting = await _waiting(uow.session, batch.plan_id, institution_id)
        if not waiting:
            raise NotFound("offline.batch.nobody_waiting")
        if institution_id is not None and len(waiting) > free:
            raise Conflict("offline.batch.institution_too_many", count=len(waiting), free=free)
        chosen = waiting[:free]
        plan = await uow.session.get(Plan, batch.plan_id)
        assert plan is not None
        taken = await assigned_count(uow.session, batch.id)
        seats: list[Seat] = []
        for seat_no, candidate in enumerate(chosen, start=taken + 1):
            row = BatchAssignment(
                batch_id=batch.id,
                registration_id=candidate.registration_id,
                user_id=candidate.user_id,
                ticket_no=new_ticket_number(plan.plan_no, batch_sequence(batch), seat_no),
                assigned_by_user_id=actor.user_id,
            )
            uow.session.add(row)
            user = await uow.session.get(User, candidate.user_id)
            name = await uow.session.scalar(select(Profile.name).where(Profile.user_id == candidate.user_id))
            assert user is not None
            seats.append(Seat(user.telegram_id, name or user.first_name, row.ticket_no))
        try:
            await uow.session.flush()
        except IntegrityError:
            raise Conflict("offline.batch.concurrent") from None
        view = await batch_view(uow.session, batch)
        await uow.commit()
    return AssignmentReport(view, tuple(seats), len(waiting) - len(chosen))
