"""The /plans dialog: a new plan is typed one value at a time and kept in the dialog until staff confirm.

Each answer is checked at once (and against the answers before it); a bad one changes nothing and the same
question stands. No plan row exists until the final confirmation. Editing one field of an existing plan is a
one-question dialog whose answer is saved, validated with the rest of the plan, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Plan, User
from core.errors import Conflict, NotFound
from core.plans.rules import (
    check_windows,
    parse_name,
    parse_occupations,
    parse_plan_draft,
    parse_plan_no,
    parse_window,
)
from core.plans.service import add_plan, change_plan, staff_user
from core.plans.views import PlanChange, PlanView, draft_of, plan_view

FLOW = "plans"
CREATE_STEPS: tuple[str, ...] = ("plan_no", "name", "occupations", "registration", "study", "training")
EDITABLE: tuple[str, ...] = CREATE_STEPS
WINDOWS = ("registration", "study", "training")
CONFIRM = "confirm"


@dataclass(frozen=True)
class Prompt:
    """What the staff member is asked next: a step of CREATE_STEPS, or `confirm` with the whole draft."""

    step: str
    editing: bool = False
    current: str = ""
    plan_id: int | None = None
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def values(self) -> dict[str, str]:
        """The answers so far as text fields (PLAN_FIELDS)."""
        return dict(self.fields)


def _window(data: dict[str, str], name: str) -> tuple[date, date] | None:
    start, end = data.get(f"{name}_start"), data.get(f"{name}_end")
    if not start or not end:
        return None
    return date.fromisoformat(start), date.fromisoformat(end)


async def _taken(session: AsyncSession, plan_no: str, other_than: int | None) -> bool:
    query = select(Plan.id).where(Plan.plan_no == plan_no)
    if other_than is not None:
        query = query.where(Plan.id != other_than)
    return await session.scalar(query) is not None


async def _value(session: AsyncSession, step: str, text: str, data: dict[str, str]) -> dict[str, str]:
    """Check one answer against the answers before it; return the text fields it sets."""
    if step == "plan_no":
        plan_no = parse_plan_no(text)
        editing = int(data["plan_id"]) if data.get("plan_id") else None
        if await _taken(session, plan_no, editing):
            raise Conflict("plans.bad.duplicate", field="plan_no", plan_no=plan_no)
        return {"plan_no": plan_no}
    if step == "name":
        return {"name": parse_name(text)}
    if step == "occupations":
        return {"occupations": "、".join(parse_occupations(text))}
    start, end = parse_window(text, step)
    registration = _window(data, "registration")
    study = _window(data, "study")
    if step == "study" and registration is not None:
        check_windows(registration, (start, end), None)
    if step == "training" and registration is not None and study is not None:
        check_windows(registration, study, (start, end))
    return {f"{step}_start": start.isoformat(), f"{step}_end": end.isoformat()}


def _current(fields: dict[str, str], step: str) -> str:
    if step in WINDOWS:
        start, end = fields.get(f"{step}_start", ""), fields.get(f"{step}_end", "")
        return f"{start} 至 {end}" if start and end else ""
    return fields.get(step, "")


async def _state(session: AsyncSession, user: User) -> DialogState:
    state = await dialogs.load(session, user.id)
    if state is None or state.flow != FLOW:
        raise Conflict("plans.dialog.stale")
    return state


async def start_create(db: Database, actor_telegram_id: int, staff_ids: frozenset[int]) -> Prompt:
    """Open a new plan's dialog at its first question (the plan number)."""
    async with db.uow() as uow:
        user = await staff_user(uow.session, actor_telegram_id, staff_ids)
        await dialogs.save(uow.session, user.id, DialogState(FLOW, CREATE_STEPS[0], {"mode": "create"}))
        await uow.commit()
    return Prompt(CREATE_STEPS[0])


async def start_edit(
    db: Database, actor_telegram_id: int, staff_ids: frozenset[int], plan_id: int, field: str
) -> Prompt:
    """Ask for a new value of one field of a plan, showing the present one."""
    if field not in EDITABLE:
        raise NotFound("common.stale_button")
    async with db.uow() as uow:
        user = await staff_user(uow.session, actor_telegram_id, staff_ids)
        plan = await uow.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("plans.not_found")
        if plan.status == "archived":
            raise Conflict("plans.archived_readonly")
        data = {"mode": "edit", "plan_id": str(plan_id)}
        await dialogs.save(uow.session, user.id, DialogState(FLOW, field, data))
        await uow.commit()
    return Prompt(field, editing=True, current=_current(draft_of(plan).as_fields(), field), plan_id=plan_id)


async def _after(
    session: AsyncSession, user: User, data: dict[str, Any], step: str, now: datetime, tz: ZoneInfo
) -> Prompt | PlanChange:
    """Move a creation on to its next question (or the confirmation), or save an edit."""
    if data.get("mode") == "edit":
        changes = {k: v for k, v in data.items() if k not in ("mode", "plan_id")}
        change = await change_plan(session, user.id, int(data["plan_id"]), changes, now, tz)
        await dialogs.clear(session, user.id)
        return change
    following = CREATE_STEPS.index(step) + 1
    if following < len(CREATE_STEPS):
        await dialogs.save(session, user.id, DialogState(FLOW, CREATE_STEPS[following], data))
        return Prompt(CREATE_STEPS[following])
    fields = {k: v for k, v in data.items() if k != "mode"}
    parse_plan_draft(fields)
    await dialogs.save(session, user.id, DialogState(FLOW, CONFIRM, data))
    return Prompt(CONFIRM, fields=tuple(sorted(fields.items())))


async def answer(
    db: Database, actor_telegram_id: int, staff_ids: frozenset[int], text: str, now: datetime, tz: ZoneInfo
) -> Prompt | PlanChange:
    """Take the answer to the open question; a bad value is refused and the question stands."""
    async with db.uow() as uow:
        session = uow.session
        user = await staff_user(session, actor_telegram_id, staff_ids)
        state = await _state(session, user)
        if state.step == CONFIRM:
            raise Conflict("plans.dialog.press_confirm")
        data = dict(state.data)
        data.update(await _value(session, state.step, text, data))
        result = await _after(session, user, data, state.step, now, tz)
        await uow.commit()
    return result


async def skip_training(
    db: Database, actor_telegram_id: int, staff_ids: frozenset[int], now: datetime, tz: ZoneInfo
) -> Prompt | PlanChange:
    """Leave the offline training period unset (it is announced later)."""
    async with db.uow() as uow:
        session = uow.session
        user = await staff_user(session, actor_telegram_id, staff_ids)
        state = await _state(session, user)
        if state.step != "training":
            raise Conflict("common.stale_button")
        data = {**state.data, "training_start": "", "training_end": ""}
        result = await _after(session, user, data, "training", now, tz)
        await uow.commit()
    return result


async def confirm(
    db: Database, actor_telegram_id: int, staff_ids: frozenset[int], now: datetime, tz: ZoneInfo
) -> PlanView:
    """Create the plan the dialog holds; a number taken meanwhile sends the dialog back to that question."""
    async with db.uow() as uow:
        session = uow.session
        user = await staff_user(session, actor_telegram_id, staff_ids)
        user_id = user.id
        state = await _state(session, user)
        if state.step != CONFIRM:
            raise Conflict("common.stale_button")
        draft = parse_plan_draft({k: v for k, v in state.data.items() if k != "mode"})
        try:
            plan = await add_plan(session, user.id, draft)
        except Conflict:
            retry = True
        else:
            retry = False
            await dialogs.clear(session, user.id)
            view = await plan_view(session, plan, now, tz)
            await uow.commit()
    if retry:
        async with db.uow() as uow:
            await dialogs.save(uow.session, user_id, DialogState(FLOW, "plan_no", dict(state.data)))
            await uow.commit()
        raise Conflict("plans.bad.duplicate", field="plan_no", plan_no=draft.plan_no)
    return view


async def cancel(db: Database, actor_telegram_id: int, staff_ids: frozenset[int]) -> None:
    """Drop the dialog's draft; no plan was created."""
    async with db.uow() as uow:
        user = await staff_user(uow.session, actor_telegram_id, staff_ids)
        await _state(uow.session, user)
        await dialogs.clear(uow.session, user.id)
        await uow.commit()
