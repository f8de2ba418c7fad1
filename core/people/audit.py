"""The audit log: every staff decision and data change, with who, when, what, before and after."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.db.models import AuditEntry, Profile, User
from core.errors import InvalidInput
from core.normalise import clean_text, guard_text, parse_id
from core.texts import t

RECENT_LIMIT = 20


QUERY_MAX = 64  # a name, an ID number or a Telegram id; anything longer finds nobody


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit entry as staff read it."""

    at: datetime
    actor: str
    action: str
    subject: str
    candidate: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def record(
    session: AsyncSession,
    actor_user_id: int | None,
    action: str,
    subject: str,
    *,
    candidate_user_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write one entry inside the caller's unit of work, so it commits or rolls back with the change."""
    session.add(
        AuditEntry(
            actor_user_id=actor_user_id,
            action=action,
            subject=subject,
            candidate_user_id=candidate_user_id,
            before=before,
            after=after,
        )
    )


async def find_candidate_ids(session: AsyncSession, query: str) -> list[int]:
    """Users matching a Telegram id, an ID number or a name, for the audit filter."""
    query = guard_text(clean_text(query, code=True), t("staff.audit.query_field"), max_len=QUERY_MAX)
    conditions = [Profile.id_number == query.upper(), Profile.name == query]
    with suppress(InvalidInput):  # an ID number or a name is not a Telegram id
        conditions.append(User.telegram_id == parse_id(query))
    rows = await session.scalars(
        select(User.id).outerjoin(Profile, Profile.user_id == User.id).where(or_(*conditions))
    )
    return list(rows)


async def recent_entries(
    session: AsyncSession, candidate_user_ids: list[int] | None = None, limit: int = RECENT_LIMIT
) -> list[AuditLine]:
    """Newest entries first, optionally only those about the given candidates."""
    actor = aliased(User)
    candidate = aliased(User)
    candidate_profile = aliased(Profile)
    statement = (
        select(AuditEntry, actor.first_name, candidate.first_name, candidate_profile.name)
        .outerjoin(actor, actor.id == AuditEntry.actor_user_id)
        .outerjoin(candidate, candidate.id == AuditEntry.candidate_user_id)
        .outerjoin(candidate_profile, candidate_profile.user_id == AuditEntry.candidate_user_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if candidate_user_ids is not None:
        statement = statement.where(AuditEntry.candidate_user_id.in_(candidate_user_ids))
    lines = []
    for entry, actor_name, candidate_name, profile_name in (await session.execute(statement)).all():
        lines.append(
            AuditLine(
                at=entry.at,
                actor=actor_name or t("staff.audit.system_actor"),
                action=entry.action,
                subject=entry.subject,
                candidate=profile_name or candidate_name,
                before=entry.before,
                after=entry.after,
            )
        )
    return lines
