"""Staff import a plan's course, question bank or blueprint: pick the plan by button, send the file, and
confirm before replacing a bank or blueprint that candidates are sitting a paper from."""

from __future__ import annotations

from dataclasses import dataclass

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Plan
from core.errors import NotAllowed, NotFound
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.plans.content import PlanChoice, content_plan, open_attempts, plan_choices
from core.quiz.bank import BankSummary, BlueprintSummary, apply_bank_file, apply_blueprint_file
from core.study.course import ImportSummary, apply_course_file

FLOWS = {"course": "course_import", "questions": "bank_import", "blueprint": "blueprint_import"}
KIND_OF_FLOW = {flow: kind for kind, flow in FLOWS.items()}
GUARDED = ("questions", "blueprint")  # what open attempts draw from


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import changed, for which plan."""

    kind: str
    plan: PlanChoice
    summary: ImportSummary | BankSummary | BlueprintSummary


@dataclass(frozen=True, slots=True)
class NeedsConfirmation:
    """The file is valid, but candidates are sitting papers of this plan: staff must confirm the swap."""

    kind: str
    plan: PlanChoice
    open_attempts: int


def _choice(plan: Plan) -> PlanChoice:
    return PlanChoice(plan.id, plan.plan_no, plan.name)


async def start(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], kind: str
) -> list[PlanChoice]:
    """Open the import of `kind` and list the plans it can be for; with no plan there is nowhere to import."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        choices = await plan_choices(uow.session)
        if not choices:
            raise NotFound("imports.plan.none")
        await dialogs.save(uow.session, actor.user_id, DialogState(FLOWS[kind], "plan", {}))
        await uow.commit()
    return choices


async def choose_plan(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], kind: str, plan_id: int
) -> PlanChoice:
    """Remember the plan the button named (re-checked here) and wait for the file."""
    if kind not in FLOWS:
        raise NotFound("imports.plan.not_found")
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        plan = _choice(await content_plan(uow.session, plan_id))
        await dialogs.save(uow.session, actor.user_id, DialogState(FLOWS[kind], "file", {"plan_id": plan.id}))
        await uow.commit()
    return plan


async def import_file(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    upload: tuple[bytes, str, str],
    *,
    confirmed: bool = False,
) -> Imported | NeedsConfirmation:
    """Import the file (data, name, Telegram file id) for the chosen plan, all or nothing.

    A bank or blueprint of a plan with attempts under way is checked in full, then held until staff confirm;
    attempts already started keep the questions they drew.
    """
    data, filename, file_id = upload
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow not in KIND_OF_FLOW or state.step not in ("file", "confirm"):
            raise NotAllowed("imports.content.no_flow")
        kind, plan_id = KIND_OF_FLOW[state.flow], int(state.data["plan_id"])
        plan = _choice(await content_plan(uow.session, plan_id))
        summary: ImportSummary | BankSummary | BlueprintSummary
        if kind == "course":
            summary = await apply_course_file(uow.session, plan_id, data, filename)
        elif kind == "questions":
            summary = await apply_bank_file(uow.session, plan_id, data, filename)
        else:
            summary = await apply_blueprint_file(uow.session, plan_id, data, filename)
        sitting = await open_attempts(uow.session, plan_id) if kind in GUARDED and not confirmed else 0
        if not sitting:
            await dialogs.clear(uow.session, actor.user_id)
            await uow.commit()
            return Imported(kind, plan, summary)
    held = {"plan_id": plan_id, "file_id": file_id, "filename": filename}
    async with db.uow() as uow:
        await dialogs.save(uow.session, actor.user_id, DialogState(state.flow, "confirm", held))
        await uow.commit()
    return NeedsConfirmation(kind, plan, sitting)


async def held_file(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> tuple[str, str]:
    """The file waiting for confirmation (Telegram file id, name); a stale confirm button is refused."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
    if state is None or state.flow not in KIND_OF_FLOW or state.step != "confirm":
        raise NotAllowed("imports.content.nothing_to_confirm")
    return str(state.data["file_id"]), str(state.data["filename"])


async def drop_held_file(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Staff decided not to replace: forget the held file, the bank and blueprint stay as they are."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is not None and state.flow in KIND_OF_FLOW:
            await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
