"""The staff desk (工作台): an overview of what waits, and the audit log listing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.db import Database, dialogs
from core.db.models import Institution, KnownCertificate
from core.errors import InvalidInput, NotAllowed
from core.imports import ImportReport
from core.people import audit
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.review.institutions import apply_institution_file
from core.review.known_certificates import apply_certificate_file
from core.review.queue import queue_size


@dataclass(frozen=True, slots=True)
class DeskOverview:
    """Counts shown when the desk opens."""

    waiting: int
    institutions: int
    known_certificates: int


async def open_desk(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> DeskOverview:
    """Open the desk for staff, refusing everyone else on the server."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        waiting = await queue_size(uow.session)
        institutions = await uow.session.scalar(select(func.count()).select_from(Institution)) or 0
        known = await uow.session.scalar(select(func.count()).select_from(KnownCertificate)) or 0
        await uow.commit()
    return DeskOverview(waiting, institutions, known)


async def audit_log(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], candidate: str | None = None
) -> list[audit.AuditLine]:
    """Recent audit entries, or only those about a candidate found by Telegram id, ID number or name."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        ids = await audit.find_candidate_ids(uow.session, candidate) if candidate else None
        lines = await audit.recent_entries(uow.session, ids)
        await uow.commit()
    return lines


IMPORT_FLOW = "staff_import"
IMPORT_KINDS = ("institutions", "certificates")


async def start_import(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], kind: str) -> None:
    """Open the flow in which the next document a staff member sends is imported into a registry."""
    if kind not in IMPORT_KINDS:
        raise InvalidInput("staff.import.bad_kind_of_registry")
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        await dialogs.save(uow.session, actor.user_id, dialogs.DialogState(IMPORT_FLOW, kind, {}))
        await uow.commit()


async def import_upload(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], data: bytes, filename: str
) -> tuple[str, ImportReport]:
    """Import an uploaded file into the registry the flow was opened for; the flow closes on success."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != IMPORT_FLOW or state.step not in IMPORT_KINDS:
            raise NotAllowed("staff.import.no_flow")
        if state.step == "institutions":
            report = await apply_institution_file(uow.session, data, filename, actor.user_id)
        else:
            report = await apply_certificate_file(uow.session, data, filename, actor.user_id)
        await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
    return state.step, report
