"""A person's rights over their data (我的数据: see, export, ask for erasure) and staff answering them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import ErasureRequest, User
from core.errors import InvalidInput, NotFound
from core.normalise import guard_text
from core.people import audit
from core.people.roles import require_staff
from core.people.users import TelegramIdentity, ensure_user
from core.privacy import data as privacy_data
from core.privacy import erasure
from core.privacy.data import Export, Holding
from core.texts import t

FLOW = "privacy"
MAX_MATCHES = 8


@dataclass(frozen=True, slots=True)
class Erased:
    """An erasure carried out: whom to tell, and what went."""

    telegram_id: int
    deleted: erasure.Deleted


async def my_data(db: Database, who: TelegramIdentity) -> Holding:
    """What is held about the caller, masked and counted."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        found = await privacy_data.holding(uow.session, user)
        await uow.commit()
    return found


async def export_mine(db: Database, who: TelegramIdentity) -> Export:
    """Everything held about the caller, for them alone; the export is audited."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        result = await privacy_data.export(uow.session, user)
        await audit.record(
            uow.session, user.id, "privacy.export", f"user:{user.id}", candidate_user_id=user.id,
            after={"reason": t("privacy.reason.own_export"), "files": len(result.files)},
        )  # fmt: skip
        await uow.commit()
    return result


async def request_erasure(db: Database, who: TelegramIdentity) -> int:
    """Record the caller's request to erase their data (once); staff carry it out. Returns its number."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        pending = await uow.session.scalar(
            select(ErasureRequest.id).where(
                ErasureRequest.user_id == user.id, ErasureRequest.status == "requested"
            )
        )
        if pending is not None:
            return pending
        request = ErasureRequest(user_id=user.id)
        uow.session.add(request)
        await uow.session.flush()
        await audit.record(
            uow.session,
            user.id,
            "privacy.erasure_request",
            f"erasure:{request.id}",
            candidate_user_id=user.id,
        )
        await uow.commit()
        return request.id


async def _people(session: AsyncSession, query: str) -> list[User]:
    ids = await audit.find_candidate_ids(session, query)
    if not ids:
        return []
    rows = await session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id).limit(MAX_MATCHES))
    return list(rows)


async def find(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], query: str, reason: str
) -> list[Holding]:
    """Staff look a person up by name, ID number or Telegram id; the reason is kept for what they do next.

    With no query, the people who asked for erasure and wait for staff are listed.
    """
    async with db.uow() as uow:
        session = uow.session
        actor = await require_staff(session, who, staff_ids)
        if query:
            people = await _people(session, query)
        else:
            waiting = select(ErasureRequest.user_id).where(ErasureRequest.status == "requested")
            people = list(await session.scalars(select(User).where(User.id.in_(waiting)).order_by(User.id)))
        found = [await privacy_data.holding(session, person) for person in people]
        data = {"reason": guard_text(reason, t("privacy.staff.reason_field"), max_len=200) if reason else ""}
        await dialogs.save(session, actor.user_id, DialogState(FLOW, "chosen", data))
        await uow.commit()
    return found


async def _subject(session: AsyncSession, user_id: int) -> User:
    person = await session.get(User, user_id)
    if person is None:
        raise NotFound("privacy.staff.gone")
    return person


async def _reason(session: AsyncSession, actor_user_id: int, person: User, default_key: str) -> str:
    """The reason staff typed with /privacy, else the person's own request, else the default."""
    state = await dialogs.load(session, actor_user_id)
    typed = str(state.data.get("reason", "")) if state is not None and state.flow == FLOW else ""
    if typed:
        return typed
    requested = await session.scalar(
        select(ErasureRequest.id).where(
            ErasureRequest.user_id == person.id, ErasureRequest.status == "requested"
        )
    )
    if requested is not None:
        return t("privacy.reason.own_request", id=requested)
    if not default_key:
        raise InvalidInput("privacy.staff.reason_needed")
    return t(default_key)


async def staff_holding(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], user_id: int
) -> Holding:
    """One person's card for staff, masked like every view but review and exports."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        return await privacy_data.holding(uow.session, await _subject(uow.session, user_id))


async def staff_export(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], user_id: int
) -> Export:
    """Export a person's data to staff (full numbers), audited with who and why."""
    async with db.uow() as uow:
        session = uow.session
        actor = await require_staff(session, who, staff_ids)
        person = await _subject(session, user_id)
        reason = await _reason(session, actor.user_id, person, "privacy.reason.staff_export")
        result = await privacy_data.export(session, person)
        await audit.record(
            session, actor.user_id, "privacy.export", f"user:{person.id}", candidate_user_id=person.id,
            after={"reason": reason, "files": len(result.files)},
        )  # fmt: skip
        await uow.commit()
    return result


async def erase(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], user_id: int) -> Erased:
    """Erase a person's data after staff confirmed it; issued certificates stay with the masked name."""
    async with db.uow() as uow:
        session = uow.session
        actor = await require_staff(session, who, staff_ids)
        person = await _subject(session, user_id)
        reason = await _reason(session, actor.user_id, person, "")
        deleted = await erasure.erase_person(session, person.id, actor.user_id)
        await audit.record(
            session, actor.user_id, "privacy.erase", f"user:{person.id}", candidate_user_id=person.id,
            after={"reason": reason, "photos": deleted.photos, "proofs": deleted.proofs,
                   "certificates_kept": deleted.certificates_kept},
        )  # fmt: skip
        await dialogs.clear(session, actor.user_id)
        await uow.commit()
    return Erased(person.telegram_id, deleted)
