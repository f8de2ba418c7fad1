"""Who may do what: staff (settings plus the staff table), an institution's liaison, or a candidate."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Institution, Liaison, StaffMember, User
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.normalise import clean_text
from core.people import audit
from core.people.users import Role, TelegramIdentity, ensure_user, find_user, is_staff


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of a use case with the role the server found for them."""

    user_id: int
    telegram_id: int
    name: str
    role: Role
    institution_id: int | None = None


@dataclass(frozen=True, slots=True)
class StaffEntry:
    """One staff member as listed on the desk."""

    telegram_id: int
    name: str
    configured: bool


async def liaison_institution(session: AsyncSession, user_id: int) -> int | None:
    """Return the institution a user is liaison for, if any."""
    return await session.scalar(select(Liaison.institution_id).where(Liaison.user_id == user_id))


async def resolve(session: AsyncSession, who: TelegramIdentity, staff_ids: frozenset[int]) -> Actor:
    """Find the caller's strongest role: staff, then liaison, else candidate."""
    user = await ensure_user(session, who)
    if await is_staff(session, who.telegram_id, staff_ids):
        return Actor(user.id, who.telegram_id, user.first_name, Role.STAFF)
    institution_id = await liaison_institution(session, user.id)
    if institution_id is not None:
        return Actor(user.id, who.telegram_id, user.first_name, Role.LIAISON, institution_id)
    return Actor(user.id, who.telegram_id, user.first_name, Role.CANDIDATE)


async def require_staff(session: AsyncSession, who: TelegramIdentity, staff_ids: frozenset[int]) -> Actor:
    """Return the caller as staff, or refuse: every privileged service starts here."""
    actor = await resolve(session, who, staff_ids)
    if actor.role is not Role.STAFF:
        raise NotAllowed("staff.not_staff")
    return actor


async def require_liaison(session: AsyncSession, who: TelegramIdentity) -> Actor:
    """Return the caller as the liaison of one institution, or refuse."""
    user = await ensure_user(session, who)
    institution_id = await liaison_institution(session, user.id)
    if institution_id is None:
        raise NotAllowed("liaison.not_liaison")
    return Actor(user.id, who.telegram_id, user.first_name, Role.LIAISON, institution_id)


async def role_of(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> Actor:
    """Tell the front end who the caller is, e.g. to pick the roster view."""
    async with db.uow() as uow:
        actor = await resolve(uow.session, who, staff_ids)
        await uow.commit()
    return actor


async def add_staff(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], telegram_id: int, name: str
) -> StaffEntry:
    """Add a staff member by Telegram id; adding someone already staff changes nothing."""
    name = " ".join(clean_text(name).split())[:64]
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        if telegram_id <= 0:
            raise InvalidInput("staff.members.usage_add")
        if await is_staff(uow.session, telegram_id, staff_ids):
            raise Conflict("staff.members.already", telegram_id=telegram_id)
        uow.session.add(StaffMember(telegram_id=telegram_id, name=name, added_by_user_id=actor.user_id))
        await audit.record(
            uow.session, actor.user_id, "staff.add", f"staff:{telegram_id}", after={"name": name}
        )
        await uow.commit()
    return StaffEntry(telegram_id, name, configured=False)


async def remove_staff(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], telegram_id: int
) -> None:
    """Remove a staff member added in the bot; configured ids and oneself cannot be removed here."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        if telegram_id <= 0:
            raise InvalidInput("staff.members.usage_remove")
        if telegram_id in staff_ids:
            raise NotAllowed("staff.members.configured", telegram_id=telegram_id)
        if telegram_id == actor.telegram_id:
            raise NotAllowed("staff.members.not_self")
        member = await uow.session.scalar(select(StaffMember).where(StaffMember.telegram_id == telegram_id))
        if member is None:
            raise NotFound("staff.members.not_found", telegram_id=telegram_id)
        await audit.record(
            uow.session, actor.user_id, "staff.remove", f"staff:{telegram_id}", before={"name": member.name}
        )
        await uow.session.delete(member)
        await uow.commit()


async def list_staff(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> list[StaffEntry]:
    """List configured and added staff for the desk."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        members = (await uow.session.scalars(select(StaffMember).order_by(StaffMember.id))).all()
        configured = []
        for telegram_id in sorted(staff_ids):
            user = await find_user(uow.session, telegram_id)
            configured.append(StaffEntry(telegram_id, user.first_name if user else "", True))
        await uow.commit()
    return configured + [StaffEntry(m.telegram_id, m.name, False) for m in members]


async def institution_name(session: AsyncSession, institution_id: int) -> str:
    """Return an institution's name or refuse when it does not exist."""
    name = await session.scalar(select(Institution.name).where(Institution.id == institution_id))
    if name is None:
        raise NotFound("staff.institutions.not_found")
    return name


async def user_by_id(session: AsyncSession, user_id: int) -> User:
    """Return a user row by primary key."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("staff.audit.no_user")
    return user


async def ensure_staff(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> Actor:
    """Refuse anyone but staff; for screens that only list choices before a privileged action."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        await uow.commit()
    return actor
