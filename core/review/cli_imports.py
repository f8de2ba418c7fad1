"""What `python -m core.review.cli` runs for each kind of file: the desk's and the bot's own checks, one
transaction, and a line saying what changed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.certificates.service import Issuer
from core.db.models import Plan
from core.errors import Conflict, InvalidInput, NotFound
from core.offline.exam import apply_results_file
from core.plans.content import open_attempts
from core.plans.imports import apply_plan_file
from core.quiz.bank import apply_bank_file, apply_blueprint_file
from core.review.institutions import apply_institution_file
from core.review.known_certificates import apply_certificate_file
from core.settings import Settings
from core.study.course import apply_course_file
from core.texts import t

PLAN_KINDS = ("course", "questions", "blueprint")


@dataclass(frozen=True, slots=True)
class CliImport:
    """One run: the file, the plan number content goes to, and whether open attempts may be swapped under."""

    kind: str
    data: bytes
    filename: str
    plan_no: str | None = None
    replace_open: bool = False


async def _plan_id(session: AsyncSession, job: CliImport) -> int:
    if not job.plan_no:
        raise InvalidInput("staff.cli.plan_needed", kind=job.kind)
    plan_id = await session.scalar(select(Plan.id).where(Plan.plan_no == job.plan_no.strip()))
    if plan_id is None:
        raise NotFound("staff.cli.no_plan", plan_no=job.plan_no[:32])
    if job.kind in ("questions", "blueprint") and not job.replace_open:
        sitting = await open_attempts(session, plan_id)
        if sitting:
            raise Conflict("staff.cli.open_attempts", count=sitting, plan_no=job.plan_no)
    return plan_id


async def _registry(session: AsyncSession, job: CliImport, settings: Settings) -> str:
    apply = apply_institution_file if job.kind == "institutions" else apply_certificate_file
    report = await apply(session, job.data, job.filename, None)
    text = t(
        "staff.import.done",
        registry=t(f"staff.import.registry_{job.kind}"),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    return text + (t("staff.import.verified", verified=report.verified) if job.kind == "certificates" else "")


async def _plan(session: AsyncSession, job: CliImport, settings: Settings) -> str:
    created = await apply_plan_file(session, job.data, job.filename, None)
    return t("staff.cli.done_plan", count=len(created), plans="、".join(created))


async def _content(session: AsyncSession, job: CliImport, settings: Settings) -> str:
    plan_id = await _plan_id(session, job)
    if job.kind == "course":
        course = await apply_course_file(session, plan_id, job.data, job.filename)
        return t(
            "staff.cli.done_course", plan_no=job.plan_no, added=course.added, minutes=course.total_minutes
        )
    if job.kind == "questions":
        bank = await apply_bank_file(session, plan_id, job.data, job.filename)
        return t("staff.cli.done_questions", plan_no=job.plan_no, added=bank.added, updated=bank.updated)
    paper = await apply_blueprint_file(session, plan_id, job.data, job.filename)
    return t("staff.cli.done_blueprint", plan_no=job.plan_no, questions=paper.questions)


async def _results(session: AsyncSession, job: CliImport, settings: Settings) -> str:
    today = datetime.now(settings.timezone).date()
    issuer = Issuer(settings.issuer_name, settings.public_base_url)
    report = await apply_results_file(session, job.data, job.filename, None, today, issuer)
    return t("staff.cli.done_results", count=len(report.recorded), passed=report.passed)


RUNNERS: dict[str, Callable[[AsyncSession, CliImport, Settings], Awaitable[str]]] = {
    "institutions": _registry,
    "certificates": _registry,
    "plan": _plan,
    "course": _content,
    "questions": _content,
    "blueprint": _content,
    "results": _results,
}
