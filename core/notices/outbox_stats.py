"""How far behind the outbox is, for metrics: rows not yet sent, and how long the oldest has waited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from core.db import Database
from core.db.models import OutboxMessage

UNSENT = ("pending", "sending")


@dataclass(frozen=True, slots=True)
class Backlog:
    """Unsent rows and the age of the oldest, in seconds (0 when none)."""

    unsent: int
    oldest_age: float


async def backlog(db: Database, now: datetime) -> Backlog:
    """Count unsent outbox rows and measure the oldest one's wait."""
    async with db.uow() as uow:
        count, oldest = (
            await uow.session.execute(
                select(func.count(), func.min(OutboxMessage.created_at)).where(
                    OutboxMessage.status.in_(UNSENT)
                )
            )
        ).one()
    if oldest is None:
        return Backlog(int(count), 0.0)
    if oldest.tzinfo is None:  # an aggregate may come back without the column type's UTC marker
        oldest = oldest.replace(tzinfo=UTC)
    return Backlog(int(count), max(0.0, (now - oldest).total_seconds()))
