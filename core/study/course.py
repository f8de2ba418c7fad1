"""The online course (培训学习 content): staff import, and the sample shipped for the sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import CourseModule
from core.errors import NotAllowed
from core.people.users import is_staff
from core.plans.content import content_plan
from core.study.credit import REQUIRED_MINUTES
from core.study.imports import ParsedModule, parse_course, sample_course


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import changed."""

    added: int
    updated: int
    total_minutes: int

    @property
    def falls_short(self) -> bool:
        """The course is shorter than the study time a candidate must complete."""
        return self.total_minutes < REQUIRED_MINUTES


def _of_plan(plan_id: int | None) -> ColumnElement[bool]:
    return CourseModule.plan_id.is_(None) if plan_id is None else CourseModule.plan_id == plan_id


async def plan_modules(session: AsyncSession, plan_id: int) -> Sequence[CourseModule]:
    """The modules a plan's candidates study, in order: its own course, else the shared one from before."""
    for owner in (plan_id, None):
        rows = (
            await session.scalars(
                select(CourseModule)
                .where(_of_plan(owner), CourseModule.active.is_(True))
                .order_by(CourseModule.position)
            )
        ).all()
        if rows:
            return rows
    return []


async def _store_modules(
    session: AsyncSession, modules: Sequence[ParsedModule], plan_id: int | None
) -> ImportSummary:
    existing = {
        m.code: m for m in (await session.scalars(select(CourseModule).where(_of_plan(plan_id)))).all()
    }
    added = updated = 0
    for position, parsed in enumerate(modules, start=1):
        row = existing.get(parsed.code)
        if row is None:
            row = CourseModule(code=parsed.code, plan_id=plan_id)
            session.add(row)
            added += 1
        else:
            updated += 1
        row.position, row.area, row.title, row.minutes = position, parsed.area, parsed.title, parsed.minutes
        row.body, row.document_name, row.document_url = parsed.body, parsed.document_name, parsed.document_url
        row.active = True
    imported = {m.code for m in modules}
    for code, row in existing.items():
        if code not in imported:
            row.active = False
    return ImportSummary(added, updated, sum(m.minutes for m in modules))


async def apply_course_file(session: AsyncSession, plan_id: int, data: bytes, filename: str) -> ImportSummary:
    """Replace a plan's course inside the caller's unit of work; modules left out are retired, credit kept."""
    modules = parse_course(data, filename)
    await content_plan(session, plan_id)
    return await _store_modules(session, modules, plan_id)


async def import_course(
    db: Database, telegram_id: int, staff_ids: frozenset[int], plan_id: int, data: bytes, filename: str
) -> ImportSummary:
    """Replace a plan's course with an uploaded one (staff only); a file with any bad row changes nothing."""
    async with db.uow() as uow:
        if not await is_staff(uow.session, telegram_id, staff_ids):
            raise NotAllowed("common.not_allowed")
        summary = await apply_course_file(uow.session, plan_id, data, filename)
        await uow.commit()
    return summary


async def seed_sample_course(session: AsyncSession) -> bool:
    """Load the sample course as the shared one unless a course exists, inside the caller's unit of work."""
    if await session.scalar(select(CourseModule.id).limit(1)) is not None:
        return False
    await _store_modules(session, sample_course(), None)
    return True
