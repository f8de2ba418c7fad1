"""Sample course and question bank for the sandbox, so every step can be tried without staff imports."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.quiz.bank import seed_sample_bank
from core.study.course import seed_sample_course


async def seed_sample_content(session: AsyncSession, plan_id: int) -> None:
    """Load the sample course and bank (and the plan's sample blueprint) unless content exists."""
    await seed_sample_course(session)
    await seed_sample_bank(session, plan_id)
