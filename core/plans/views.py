"""What staff see of a plan: its facts, where it stands today, and its registrations counted by stage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Plan, Registration
from core.people.stages import STAGE_ORDER, later_stages, review_stage
from core.plans.rules import PlanDraft, plan_phase


@dataclass(frozen=True)
class PlanView:
    """A plan as staff see it: its facts, where it stands today, and how many candidates are at each stage."""

    id: int
    draft: PlanDraft
    status: str
    phase: str
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def plan_no(self) -> str:
        """The portal's 16-digit plan number."""
        return self.draft.plan_no

    @property
    def name(self) -> str:
        """The plan's name."""
        return self.draft.name

    @property
    def registrations(self) -> int:
        """Registrations of any stage."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class PlanChange:
    """An edit as saved: the plan after it, which windows moved, and how many people were told."""

    plan: PlanView
    moved: tuple[str, ...]
    told: int


def draft_of(plan: Plan) -> PlanDraft:
    """The plan row's facts as a draft, to edit or compare."""
    return PlanDraft(
        plan_no=plan.plan_no,
        name=plan.name,
        occupations=tuple(plan.occupations or ()),
        registration_start=plan.registration_start,
        registration_end=plan.registration_end,
        study_start=plan.study_start,
        study_end=plan.study_end,
        training_start=plan.training_start,
        training_end=plan.training_end,
    )


async def stage_counts(session: AsyncSession, plan_ids: list[int]) -> dict[int, dict[str, int]]:
    """Registrations per plan by stage (draft … certified), every stage present."""
    rows = (
        await session.execute(
            select(Registration.id, Registration.plan_id, Registration.status).where(
                Registration.plan_id.in_(plan_ids)
            )
        )
    ).all()
    later = await later_stages(session, [r[0] for r in rows])
    tally: dict[int, Counter[str]] = {pid: Counter() for pid in plan_ids}
    for reg_id, plan_id, status in rows:
        tally[plan_id][str(later.get(reg_id, review_stage(status)))] += 1
    return {pid: {str(s): tally[pid][str(s)] for s in STAGE_ORDER} for pid in plan_ids}


async def plan_view(session: AsyncSession, plan: Plan, now: datetime, tz: ZoneInfo) -> PlanView:
    """The plan row as staff see it at `now`."""
    counts = (await stage_counts(session, [plan.id]))[plan.id]
    draft = draft_of(plan)
    return PlanView(plan.id, draft, plan.status, plan_phase(plan.status, draft, now, tz), counts)
