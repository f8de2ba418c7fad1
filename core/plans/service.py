"""Exam plans (考评计划) run by staff: create, edit, close early, archive, list with counts by stage.

The interface other features (imports, demo data) use:
- `parse_plan_draft(fields)` → `PlanDraft`, raising InvalidInput whose params name the `field`
  (core.plans.rules);
- `create_plan(db, actor_telegram_id, staff_ids, draft)` → `PlanView`, or `add_plan(session, actor_user_id,
  draft)` inside a caller's own unit of work (an import applying many rows at once);
- `update_plan(db, actor_telegram_id, staff_ids, plan_id, changes)` → `PlanChange`: `changes` are text fields
  keyed as for parse_plan_draft, laid over the plan's current values and validated as a whole;
- `close_plan`, `archive_plan`, `get_plan`, `list_plans`.
When `PlanChange.moved` is not empty the caller reschedules the notices (scheduler.jobs.reschedule); the
people whose deadline moved were already told once, through the outbox, in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Plan, User, utcnow
from core.errors import Conflict, NotFound
from core.people import audit
from core.people.roles import require_staff, user_by_id
from core.people.users import TelegramIdentity
from core.plans.moved_deadlines import tell_moved
from core.plans.rules import PlanDraft, moved_windows, parse_plan_draft, plan_phase
from core.plans.views import PlanChange, PlanView, draft_of, plan_view, stage_counts

__all__ = [
    "PlanChange",
    "PlanDraft",
    "PlanView",
    "add_plan",
    "archive_plan",
    "change_plan",
    "close_plan",
    "create_plan",
    "get_plan",
    "list_plans",
    "parse_plan_draft",
    "update_plan",
]

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
PHASE_ORDER = ("open", "upcoming", "closed", "archived")


def _apply(plan: Plan, draft: PlanDraft) -> None:
    plan.plan_no = draft.plan_no
    plan.name = draft.name
    plan.occupations = list(draft.occupations)
    plan.registration_start, plan.registration_end = draft.registration_start, draft.registration_end
    plan.study_start, plan.study_end = draft.study_start, draft.study_end
    plan.training_start, plan.training_end = draft.training_start, draft.training_end


def _audit_facts(draft: PlanDraft) -> dict[str, Any]:
    return draft.as_fields()


async def staff_user(session: AsyncSession, actor_telegram_id: int, staff_ids: frozenset[int]) -> User:
    """The staff member's user row, after the one staff check every privileged service makes."""
    actor = await require_staff(session, TelegramIdentity(actor_telegram_id), staff_ids)
    return await user_by_id(session, actor.user_id)


async def _taken(session: AsyncSession, plan_no: str, other_than: int | None = None) -> bool:
    query = select(Plan.id).where(Plan.plan_no == plan_no)
    if other_than is not None:
        query = query.where(Plan.id != other_than)
    return await session.scalar(query) is not None


async def _flush_unique(session: AsyncSession, plan_no: str) -> None:
    """Flush, reporting a plan number another staff member saved first as a duplicate (race-safe)."""
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("plans.bad.duplicate", field="plan_no", plan_no=plan_no) from None


async def add_plan(session: AsyncSession, actor_user_id: int | None, draft: PlanDraft) -> Plan:
    """Insert a published plan inside the caller's unit of work, refusing a plan number already used."""
    if await _taken(session, draft.plan_no):
        raise Conflict("plans.bad.duplicate", field="plan_no", plan_no=draft.plan_no)
    plan = Plan(status="published")
    _apply(plan, draft)
    session.add(plan)
    await _flush_unique(session, draft.plan_no)
    await audit.record(
        session, actor_user_id, "plan.create", f"plan:{draft.plan_no}", after=_audit_facts(draft)
    )
    return plan


async def create_plan(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    draft: PlanDraft,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> PlanView:
    """Create a plan from a validated draft; staff only; a duplicate plan number is refused."""
    async with db.uow() as uow:
        user = await staff_user(uow.session, actor_telegram_id, staff_ids)
        plan = await add_plan(uow.session, user.id, draft)
        view = await plan_view(uow.session, plan, now or utcnow(), tz)
        await uow.commit()
    return view


async def _plan(session: AsyncSession, plan_id: int) -> Plan:
    plan = await session.scalar(select(Plan).where(Plan.id == plan_id).with_for_update())
    if plan is None:
        raise NotFound("plans.not_found")
    return plan


async def change_plan(
    session: AsyncSession,
    actor_user_id: int | None,
    plan_id: int,
    changes: Mapping[str, str],
    now: datetime,
    tz: ZoneInfo,
) -> PlanChange:
    """Apply an edit inside the caller's unit of work: validate the whole plan, save, tell, audit."""
    plan = await _plan(session, plan_id)
    if plan.status == "archived":
        raise Conflict("plans.archived_readonly")
    before = draft_of(plan)
    after = parse_plan_draft({**before.as_fields(), **changes})
    if after.plan_no != before.plan_no and await _taken(session, after.plan_no, plan.id):
        raise Conflict("plans.bad.duplicate", field="plan_no", plan_no=after.plan_no)
    moved = moved_windows(before, after)
    _apply(plan, after)
    await _flush_unique(session, after.plan_no)
    told = 0
    if moved and plan.status == "published":
        told = await tell_moved(session, plan, before, moved, now, tz)
    if before != after:
        await audit.record(
            session,
            actor_user_id,
            "plan.update",
            f"plan:{after.plan_no}",
            before=_audit_facts(before),
            after=_audit_facts(after),
        )
    return PlanChange(await plan_view(session, plan, now, tz), moved, told)


async def update_plan(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    plan_id: int,
    changes: Mapping[str, str],
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> PlanChange:
    """Change any fields of a plan, validated together; people whose deadline moved are told once."""
    async with db.uow() as uow:
        user = await staff_user(uow.session, actor_telegram_id, staff_ids)
        change = await change_plan(uow.session, user.id, plan_id, changes, now or utcnow(), tz)
        await uow.commit()
    return change


async def _set_status(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    plan_id: int,
    status: str,
    now: datetime | None,
    tz: ZoneInfo,
) -> PlanView:
    moment = now or utcnow()
    async with db.uow() as uow:
        session = uow.session
        user = await staff_user(session, actor_telegram_id, staff_ids)
        plan = await _plan(session, plan_id)
        if plan.status == status or plan.status == "archived":
            raise Conflict(f"plans.already_{plan.status}", name=plan.name)
        before = plan.status
        plan.status = status
        if status == "archived":
            plan.archived_at = moment
        await audit.record(
            session,
            user.id,
            f"plan.{'close' if status == 'closed' else 'archive'}",
            f"plan:{plan.plan_no}",
            before={"status": before},
            after={"status": status},
        )
        view = await plan_view(session, plan, moment, tz)
        await uow.commit()
    return view


async def close_plan(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    plan_id: int,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> PlanView:
    """End a plan early: no new registrations, no more deadline notices; every record stays."""
    return await _set_status(db, actor_telegram_id, staff_ids, plan_id, "closed", now, tz)


async def archive_plan(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    plan_id: int,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> PlanView:
    """Archive a plan: it leaves every list, while its registrations, results and certificates stay."""
    return await _set_status(db, actor_telegram_id, staff_ids, plan_id, "archived", now, tz)


async def get_plan(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    plan_id: int,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> PlanView:
    """One plan with its counts by stage, for the staff detail screen."""
    async with db.uow() as uow:
        await staff_user(uow.session, actor_telegram_id, staff_ids)
        plan = await uow.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("plans.not_found")
        view = await plan_view(uow.session, plan, now or utcnow(), tz)
        await uow.commit()
    return view


async def list_plans(
    db: Database,
    actor_telegram_id: int,
    staff_ids: frozenset[int],
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    include_archived: bool = False,
) -> list[PlanView]:
    """Plans open now, then upcoming, then closed (then archived if asked), newest first within each."""
    moment = now or utcnow()
    async with db.uow() as uow:
        await staff_user(uow.session, actor_telegram_id, staff_ids)
        query = select(Plan).order_by(Plan.registration_start.desc(), Plan.id.desc())
        if not include_archived:
            query = query.where(Plan.status != "archived")
        plans = (await uow.session.scalars(query)).all()
        counts = await stage_counts(uow.session, [p.id for p in plans])
        views = [
            PlanView(p.id, draft_of(p), p.status, plan_phase(p.status, draft_of(p), moment, tz), counts[p.id])
            for p in plans
        ]
        await uow.commit()
    return sorted(views, key=lambda v: PHASE_ORDER.index(v.phase))
