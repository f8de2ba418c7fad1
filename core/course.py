"""The online course (培训学习 content): staff import, and the sample shipped for the sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import dialogs
from core.course_import import ParsedModule, parse_course, sample_course
from core.db import Database
from core.db.models import CourseModule
from core.errors import NotAllowed
from core.people import TelegramIdentity, is_staff
from core.rules import REQUIRED_MINUTES


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


async def _store_modules(session: AsyncSession, modules: Sequence[ParsedModule]) -> ImportSummary:
    existing = {m.code: m for m in (await session.scalars(select(CourseModule))).all()}
    added = updated = 0
    for position, parsed in enumerate(modules, start=1):
        row = existing.get(parsed.code)
        if row is None:
            row = CourseModule(code=parsed.code)
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


async def import_course(
    db: Database, telegram_id: int, staff_ids: frozenset[int], data: bytes, filename: str
) -> ImportSummary:
    """Replace the course with an uploaded one (staff only); modules left out are retired, credit is kept."""
    modules = parse_course(data, filename)
    async with db.uow() as uow:
        if not await is_staff(uow.session, telegram_id, staff_ids):
            raise NotAllowed("common.not_allowed")
        summary = await _store_modules(uow.session, modules)
        await uow.commit()
    return summary


async def seed_sample_course(session: AsyncSession) -> bool:
    """Load the sample course unless a course exists, inside the caller's unit of work."""
    if await session.scalar(select(CourseModule.id).limit(1)) is not None:
        return False
    await _store_modules(session, sample_course())
    return True


COURSE_IMPORT_FLOW = "course_import"


async def begin_course_import(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Wait for a course file from a staff member; refuse anyone else."""
    await dialogs.await_staff_file(db, who, staff_ids, COURSE_IMPORT_FLOW)
