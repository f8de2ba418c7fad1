"""Who is talking to the bot: the user row behind a Telegram id, and the roles it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import StaffMember, User, utcnow

LAST_SEEN_GRANULARITY = timedelta(minutes=5)


class Role(StrEnum):
    """The three kinds of people the programme serves."""

    CANDIDATE = "candidate"
    LIAISON = "liaison"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """The plain facts a front end knows about whoever sent an update."""

    telegram_id: int
    first_name: str = ""
    username: str | None = None


async def ensure_user(session: AsyncSession, who: TelegramIdentity) -> User:
    """Return the user row for a Telegram id, creating it on first contact; touches last_seen sparingly."""
    user = await session.scalar(select(User).where(User.telegram_id == who.telegram_id))
    if user is None:
        user = User(telegram_id=who.telegram_id, first_name=who.first_name[:128], username=who.username)
        session.add(user)
        await session.flush()
        return user
    touch(user, who)
    return user


def touch(user: User, who: TelegramIdentity) -> None:
    """A person wrote: they have not blocked the bot, and their name and last_seen are refreshed sparingly."""
    now = utcnow()
    if user.blocked_bot:
        user.blocked_bot = False
    if now - user.last_seen_at > LAST_SEEN_GRANULARITY:
        user.last_seen_at = now
        user.first_name = who.first_name[:128]
        user.username = who.username


async def find_user(session: AsyncSession, telegram_id: int) -> User | None:
    """Return the user row for a Telegram id, or None if they never wrote."""
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def is_staff(session: AsyncSession, telegram_id: int, configured: frozenset[int]) -> bool:
    """Staff are the configured ids plus the staff table; checked on the server for every privileged act."""
    if telegram_id in configured:
        return True
    found = await session.scalar(select(StaffMember.id).where(StaffMember.telegram_id == telegram_id))
    return found is not None


async def mark_blocked(db: Database, telegram_id: int) -> None:
    """Remember that a user blocked the bot so notices stop trying until they write again."""
    async with db.uow() as uow:
        user = await find_user(uow.session, telegram_id)
        if user is not None and not user.blocked_bot:
            user.blocked_bot = True
            await uow.commit()
