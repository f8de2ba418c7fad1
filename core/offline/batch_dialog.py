"""/batch_new as a dialog: the plan by button, then date, time, place and capacity typed one by one, then a
confirm button; each step is kept in the dialogs table, so a restart loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.errors import NotAllowed, NotFound
from core.offline.batches import (
    BatchView,
    NewBatch,
    add_batch,
    parse_capacity,
    parse_day,
    parse_place,
    parse_time,
)
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.plans.content import PlanChoice, content_plan, plan_choices

FLOW = "batch_new"
STEPS = ("day", "time", "place", "capacity")


@dataclass(frozen=True, slots=True)
class BatchDraft:
    """Where the dialog stands: the next step (or "confirm") and what was typed so far."""

    step: str
    plan_no: str
    plan_name: str
    values: dict[str, Any]


async def start(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> list[PlanChoice]:
    """Open the dialog and list the plans a batch can belong to."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        choices = await plan_choices(uow.session)
        if not choices:
            raise NotFound("imports.plan.none")
        await dialogs.save(uow.session, actor.user_id, DialogState(FLOW, "plan", {}))
        await uow.commit()
    return choices


async def choose_plan(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], plan_id: int
) -> BatchDraft:
    """The plan button: remember it (re-checked here) and ask for the date."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != FLOW:
            raise NotAllowed("offline.dialog.stale")
        plan = await content_plan(uow.session, plan_id)
        data = {"plan_id": plan.id, "plan_no": plan.plan_no, "plan_name": plan.name}
        await dialogs.save(uow.session, actor.user_id, DialogState(FLOW, "day", data))
        await uow.commit()
    return BatchDraft("day", plan.plan_no, plan.name, {})


def _parse(step: str, raw: str, today: date) -> object:
    if step == "day":
        return parse_day(raw, today).isoformat()
    if step == "time":
        return parse_time(raw)
    if step == "place":
        return parse_place(raw)
    return parse_capacity(raw)


def _draft(step: str, data: dict[str, Any]) -> BatchDraft:
    values = {k: data[k] for k in STEPS if k in data}
    return BatchDraft(step, str(data["plan_no"]), str(data["plan_name"]), values)


async def answer(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], raw: str, today: date
) -> BatchDraft:
    """Take the value typed for the current step; a bad one is refused saying what to type, the step stays."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != FLOW:
            raise NotAllowed("offline.dialog.stale")
        if state.step not in STEPS:
            raise NotAllowed(
                "offline.dialog.press_plan" if state.step == "plan" else "offline.dialog.press_confirm"
            )
        data = {**state.data, state.step: _parse(state.step, raw, today)}
        index = STEPS.index(state.step)
        step = STEPS[index + 1] if index + 1 < len(STEPS) else "confirm"
        await dialogs.save(uow.session, actor.user_id, DialogState(FLOW, step, data))
        await uow.commit()
    return _draft(step, data)


async def confirm(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], today: date) -> BatchView:
    """Create the batch from the confirmed values, checked once more, and close the dialog."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != FLOW or state.step != "confirm":
            raise NotAllowed("offline.dialog.stale")
        data = state.data
        plan = await content_plan(uow.session, int(data["plan_id"]))
        new = NewBatch(
            parse_day(str(data["day"]), today),
            parse_time(str(data["time"])),
            parse_place(str(data["place"])),
            parse_capacity(str(data["capacity"])),
        )
        view = await add_batch(uow.session, plan, new)
        await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
    return view


async def cancel(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Leave the dialog without creating anything."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is not None and state.flow == FLOW:
            await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
