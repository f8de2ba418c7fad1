"""Consent to the 个人信息处理告知: recorded per version, general and sensitive (ID number, photo) apart."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Consent
from core.errors import NotAllowed

# A new notice text gets a new version here; everyone is asked again before anything more is stored.
NOTICE_VERSION = "2026-12-01"
GENERAL, SENSITIVE = "general", "sensitive"
KINDS = (GENERAL, SENSITIVE)


async def missing(session: AsyncSession, user_id: int, version: str = NOTICE_VERSION) -> tuple[str, ...]:
    """The agreements this version of the notice still needs from the user, in the order they are asked."""
    agreed = select(Consent.kind).where(Consent.user_id == user_id, Consent.version == version)
    given = set(await session.scalars(agreed))
    return tuple(kind for kind in KINDS if kind not in given)


async def require(session: AsyncSession, user_id: int, version: str = NOTICE_VERSION) -> None:
    """Refuse to store personal information until both agreements to the current notice are recorded."""
    if await missing(session, user_id, version):
        raise NotAllowed("privacy.consent.needed")


async def record(session: AsyncSession, user_id: int, kind: str, version: str = NOTICE_VERSION) -> None:
    """Record one agreement with its version and time; agreeing twice keeps the first."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind not in await missing(session, user_id, version):
        return
    session.add(Consent(user_id=user_id, kind=kind, version=version))
    await session.flush()
