"""The institution registry (机构名录): staff import it, upserted by credit code, and list it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Institution, Liaison, User
from core.errors import InvalidInput
from core.imports import MAX_IMPORT_ROWS, ImportReport, clean_text, refuse, update_audited
from core.people import audit
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.profile.id_numbers import validate_uscc
from core.registration.eligibility import FILING_LABELS, KIND_LABELS
from core.spreadsheets import Column, Row, RowError, column_of, duplicates, read_rows

PAGE_SIZE = 8


def parse_kind(raw: str) -> str:
    """Registry type label to its stored code."""
    text = clean_text(raw, 32).replace("（", "(").replace("）", ")")
    for code, label in KIND_LABELS.items():
        if text in (label, code) or (code == "member_unit" and "会员单位" in text):
            return code
    raise InvalidInput("staff.import.bad_kind", allowed="、".join(KIND_LABELS.values()))


def parse_filing(raw: str) -> str:
    """Filing status label to its stored code."""
    text = clean_text(raw, 16)
    for code, label in FILING_LABELS.items():
        if text in (label, code):
            return code
    raise InvalidInput("staff.import.bad_filing", allowed="、".join(FILING_LABELS.values()))


COLUMNS = (
    Column("name", ("机构名称", "名称", "name", "单位名称"), True, lambda raw: clean_text(raw, 128)),
    Column("uscc", ("统一社会信用代码", "信用代码", "uscc"), True, validate_uscc),
    Column("kind", ("类型", "机构类型", "type"), True, parse_kind),
    Column(
        "parent",
        ("上级组织", "所属组织", "parent", "parent organisation"),
        False,
        lambda r: clean_text(r, 128),
    ),
    Column("filing", ("备案状态", "filing status", "filing_status", "filing"), True, parse_filing),
)


@dataclass(frozen=True, slots=True)
class InstitutionLine:
    """One institution as the desk lists it."""

    id: int
    name: str
    uscc: str
    kind: str
    filing: str
    parent: str | None
    liaison: str | None


@dataclass(frozen=True, slots=True)
class InstitutionPage:
    """A page of the registry."""

    lines: list[InstitutionLine]
    offset: int
    total: int


def _cross_row_problems(rows: list[Row], known: dict[str, Institution]) -> list[RowError]:
    """Problems no single row shows: duplicates, member units without a valid parent, name clashes."""
    name_col, uscc_col, parent_col = (column_of(COLUMNS, k) for k in ("name", "uscc", "parent"))
    problems = duplicates(rows, uscc_col, lambda r: r["uscc"]) + duplicates(
        rows, name_col, lambda r: r["name"]
    )
    kinds = {r["name"]: r["kind"] for r in rows}
    by_name = {row.name: row for row in known.values()}
    for row in rows:
        name, parent = row["name"], row["parent"]
        if row["kind"] == "member_unit":
            parent_kind = kinds.get(parent) if parent else None
            if parent_kind is None and parent in by_name:
                parent_kind = by_name[parent].kind
            if not parent:
                problems.append(row.error(parent_col, "imports.row.parent_missing"))
            elif parent_kind is None:
                problems.append(row.error(parent_col, "imports.row.parent_unknown", parent=parent))
            elif parent_kind == "member_unit":
                problems.append(row.error(parent_col, "imports.row.parent_member", parent=parent))
        elif parent:
            problems.append(row.error(parent_col, "imports.row.parent_unexpected"))
        clash = by_name.get(name)
        if clash is not None and clash.uscc != row["uscc"]:
            problems.append(row.error(uscc_col, "imports.row.name_clash", name=name, known=clash.uscc))
    return problems


async def _apply(session: AsyncSession, rows: list[Row], actor_id: int | None) -> ImportReport:
    known = {row.uscc: row for row in (await session.scalars(select(Institution))).all()}
    refuse(_cross_row_problems(rows, known))
    records = [row.values for row in rows]
    created = updated = unchanged = 0
    ids_by_name = {row.name: row.id for row in known.values()}
    # Parents first, so member units can point at an organisation created by the same file.
    for members in (False, True):
        new_rows: list[tuple[Institution, dict[str, Any]]] = []
        for record in (r for r in records if (r["kind"] == "member_unit") is members):
            wanted = {
                "name": record["name"],
                "uscc": record["uscc"],
                "kind": record["kind"],
                "filing_status": record["filing"],
                "parent_id": ids_by_name[record["parent"]] if members else None,
            }
            row = known.get(record["uscc"])
            if row is None:
                new_rows.append((Institution(**wanted), wanted))
            elif await update_audited(
                session, row, wanted, actor_id, "institution.update", f"institution:{row.id}"
            ):
                updated += 1
            else:
                unchanged += 1
        session.add_all([row for row, _ in new_rows])
        await session.flush()
        for row, wanted in new_rows:
            await audit.record(session, actor_id, "institution.create", f"institution:{row.id}", after=wanted)
        created += len(new_rows)
        ids_by_name.update({row.name: row.id for row in (*known.values(), *(r for r, _ in new_rows))})
    return ImportReport(created, updated, unchanged)


async def apply_institution_file(
    session: AsyncSession, data: bytes, filename: str, actor_id: int | None
) -> ImportReport:
    """Validate the whole file, then upsert by credit code; any invalid row means nothing is applied."""
    rows = read_rows(data, filename, COLUMNS, max_rows=MAX_IMPORT_ROWS)
    report = await _apply(session, rows, actor_id)
    await audit.record(
        session,
        actor_id,
        "institutions.import",
        f"file:{filename[:58]}",
        after={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return report


async def import_institutions(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], data: bytes, filename: str
) -> ImportReport:
    """Staff import of the registry from an .xlsx or .csv upload."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        report = await apply_institution_file(uow.session, data, filename, actor.user_id)
        await uow.commit()
    return report


async def list_institutions(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], offset: int = 0
) -> InstitutionPage:
    """A page of the registry with each institution's liaison, for the desk."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        total = await uow.session.scalar(select(func.count()).select_from(Institution)) or 0
        offset = max(0, min(offset, max(total - 1, 0)))
        rows = await uow.session.execute(
            select(Institution, User.first_name)
            .outerjoin(Liaison, Liaison.institution_id == Institution.id)
            .outerjoin(User, User.id == Liaison.user_id)
            .order_by(Institution.id)
            .offset(offset)
            .limit(PAGE_SIZE)
        )
        names = {i: n for i, n in (await uow.session.execute(select(Institution.id, Institution.name))).all()}
        lines = [
            InstitutionLine(
                id=row.id,
                name=row.name,
                uscc=row.uscc,
                kind=KIND_LABELS.get(row.kind, row.kind),
                filing=FILING_LABELS.get(row.filing_status, row.filing_status),
                parent=names.get(row.parent_id) if row.parent_id else None,
                liaison=liaison_name,
            )
            for row, liaison_name in rows.all()
        ]
    return InstitutionPage(lines, offset, total)
