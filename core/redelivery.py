"""Telegram redelivers each update a crashed bot fetched but never confirmed; these records apply it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.db.models import ProcessedUpdate
from core.db.update_marks import UpdateMark


async def highest_applied(db: Database) -> int:
    """Return the newest update id recorded (0 if none): only updates up to it can be redeliveries."""
    async with db.uow() as uow:
        found = await uow.session.scalar(select(func.max(ProcessedUpdate.update_id)))
    return int(found or 0)


async def was_applied(db: Database, update_id: int) -> bool:
    """Tell whether an update was applied before, so a redelivered one is skipped."""
    async with db.uow() as uow:
        found = await uow.session.get(ProcessedUpdate, update_id)
    return found is not None


async def finish(db: Database, mark: UpdateMark) -> None:
    """Close an update's handling; record it now if no commit did (a read-only step, or one that failed)."""
    pending = mark.pending
    mark.closed = True
    if not pending:
        return
    try:
        async with db.uow() as uow:
            uow.session.add(ProcessedUpdate(update_id=mark.update_id))
            await uow.commit()
    except IntegrityError:  # recorded meanwhile by another instance: the same outcome
        return
    mark.written = True


async def forget_before(db: Database, cutoff: datetime) -> int:
    """Drop records older than any redelivery (Telegram keeps unconfirmed updates for 24 hours)."""
    async with db.uow() as uow:
        stale = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
        result = await uow.session.execute(stale)
        await uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)
