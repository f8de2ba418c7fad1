"""Telegram's overall sending rate, shared by every bot process on one PostgreSQL as a token bucket.

Why a budget in the database rather than one elected sender: every process keeps draining the outbox, so a
dying process costs nothing but its own leased rows and nobody waits for an election to send; the price is
one row lock per claim, a few milliseconds every fraction of a second. Each claim refills the bucket for the
time passed since the last one (at `rate` per second, holding at most a second's worth), takes as many
tokens as rows it may claim, and pays for the rows it actually got. Each process still paces the rows it
holds (core.notices.outbox_worker.Pacer), so together they never exceed the rate by more than one second's
burst. SQLite has one process, whose pacer alone keeps the rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import SendBudget

TELEGRAM = "telegram"
BURST_SECONDS = 1.0


@dataclass(slots=True)
class Grant:
    """Tokens taken for one claim; `spend` pays for the rows actually claimed and keeps the rest."""

    budget: SendBudget
    tokens: float
    granted: int
    now: datetime

    def spend(self, used: int) -> None:
        """Write back what is left once `used` rows were claimed (inside the claim's transaction)."""
        self.budget.tokens = self.tokens - used
        self.budget.refilled_at = self.now


async def take(session: AsyncSession, now: datetime, rate: float, want: int) -> Grant:
    """Lock the shared bucket for this transaction and say how many rows may be claimed now."""
    capacity = rate * BURST_SECONDS
    await session.execute(
        insert(SendBudget)
        .values(name=TELEGRAM, tokens=capacity, refilled_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    budget = (
        await session.scalars(select(SendBudget).where(SendBudget.name == TELEGRAM).with_for_update())
    ).one()
    elapsed = max((now - budget.refilled_at).total_seconds(), 0.0)
    tokens = min(capacity, budget.tokens + elapsed * rate)
    return Grant(budget, tokens, max(0, min(want, int(tokens))), now)
