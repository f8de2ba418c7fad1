"""Review decisions (审核): approve or reject with a reason; two staff cannot both decide one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from core.db import Database, dialogs
from core.db.models import Plan, Profile, Registration, User, utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.normalise import clean_text
from core.people import audit
from core.people.roles import Actor, require_staff
from core.people.users import TelegramIdentity, mark_blocked
from core.registration.eligibility import RegistrationAction, RegistrationStatus, next_status
from core.review.queue import REVIEWABLE
from core.texts import t

REJECT_FLOW = "staff_reject"
PRESET_REASONS = 4
REASON_MIN, REASON_MAX = 2, 200


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a decision, with what the front end needs to tell the candidate."""

    registration_id: int
    status: str
    candidate_telegram_id: int
    candidate_name: str
    plan_no: str
    reason: str | None


def _clean_reason(raw: str) -> str:
    reason = " ".join(clean_text(raw, multiline=True).split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInput("staff.review.reason_length", min=REASON_MIN, max=REASON_MAX, length=len(reason))
    return reason


async def _decide(
    session: AsyncSession,
    actor: Actor,
    registration_id: int,
    version: int,
    action: RegistrationAction,
    reason: str | None,
) -> Decision:
    registration = await _undecided(session, registration_id, version)
    before = {"status": registration.status, "reject_reason": registration.reject_reason}
    registration.status = next_status(RegistrationStatus(registration.status), action).value
    registration.decided_at = utcnow()
    registration.decided_by_user_id = actor.user_id
    registration.reject_reason = reason
    await audit.record(
        session,
        actor.user_id,
        f"registration.{action.value}",
        f"registration:{registration.id}",
        candidate_user_id=registration.user_id,
        before=before,
        after={"status": registration.status, "reject_reason": reason},
    )
    try:
        await session.flush()
    except StaleDataError:
        raise Conflict("staff.review.conflict") from None
    user = await session.get(User, registration.user_id)
    plan = await session.get(Plan, registration.plan_id)
    profile_name = await session.scalar(select(Profile.name).where(Profile.user_id == registration.user_id))
    assert user is not None and plan is not None
    return Decision(
        registration_id=registration.id,
        status=registration.status,
        candidate_telegram_id=user.telegram_id,
        candidate_name=profile_name or user.first_name,
        plan_no=plan.plan_no,
        reason=reason,
    )


async def _decide_as_staff(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    registration_id: int,
    version: int,
    action: RegistrationAction,
    reason: str | None,
) -> Decision:
    """Record one decision in its own transaction, after checking the caller is staff."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        decision = await _decide(uow.session, actor, registration_id, version, action, reason)
        await _safe_commit(uow.session)
    return decision


async def approve(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], registration_id: int, version: int
) -> Decision:
    """Approve one registration; a second decision on the same version loses with Conflict."""
    return await _decide_as_staff(
        db, who, staff_ids, registration_id, version, RegistrationAction.APPROVE, None
    )


async def reject(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    registration_id: int,
    version: int,
    reason: str,
) -> Decision:
    """Reject one registration with a reason the candidate will read."""
    reason = _clean_reason(reason)
    return await _decide_as_staff(
        db, who, staff_ids, registration_id, version, RegistrationAction.REJECT, reason
    )


async def reject_with_preset(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    registration_id: int,
    version: int,
    preset: int,
) -> Decision:
    """Reject with one of the catalogue's preset reasons; the role is checked before the preset."""
    await check_undecided(db, who, staff_ids, registration_id, version)
    return await reject(db, who, staff_ids, registration_id, version, preset_reason(preset))


def preset_reason(number: int) -> str:
    """The text of a preset rejection reason, refusing numbers a forged button might carry."""
    if not 1 <= number <= PRESET_REASONS:
        raise InvalidInput("staff.review.no_such_reason")
    return t(f"staff.review.preset.r{number}")


async def _undecided(session: AsyncSession, registration_id: int, version: int) -> Registration:
    registration = await session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("staff.review.not_found")
    if registration.version != version or registration.status not in REVIEWABLE:
        raise Conflict("staff.review.conflict")
    return registration


async def check_undecided(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], registration_id: int, version: int
) -> None:
    """Refuse early when the caller is not staff or someone else already decided this registration."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        await _undecided(uow.session, registration_id, version)
        await uow.commit()


async def start_typed_reason(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], registration_id: int, version: int
) -> None:
    """Open the flow in which the next text a staff member sends is the rejection reason."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        await _undecided(uow.session, registration_id, version)
        state = dialogs.DialogState(
            REJECT_FLOW, "reason", {"registration_id": registration_id, "version": version}
        )
        await dialogs.save(uow.session, actor.user_id, state)
        await uow.commit()


async def reject_typed(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], text: str) -> Decision:
    """Reject the registration the reason flow was opened for; the flow ends whether it wins or loses."""
    reason = _clean_reason(text)
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != REJECT_FLOW:
            raise Conflict("staff.review.no_reason_flow")
        await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
    return await reject(
        db, who, staff_ids, int(state.data["registration_id"]), int(state.data["version"]), reason
    )


async def note_undelivered(db: Database, decision: Decision) -> None:
    """Record that the candidate blocked the bot and did not hear of the decision; the decision stands."""
    await mark_blocked(db, decision.candidate_telegram_id)
    async with db.uow() as uow:
        user_id = await uow.session.scalar(
            select(User.id).where(User.telegram_id == decision.candidate_telegram_id)
        )
        await audit.record(
            uow.session,
            None,
            "notice.undelivered",
            f"registration:{decision.registration_id}",
            candidate_user_id=user_id,
            after={"status": decision.status, "reason": "blocked_bot"},
        )
        await uow.commit()


async def _safe_commit(session: AsyncSession) -> None:
    """Commit, turning a lost race into the Conflict staff understand."""
    try:
        await session.commit()
    except StaleDataError:
        raise Conflict("staff.review.conflict") from None
