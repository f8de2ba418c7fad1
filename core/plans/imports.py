"""Plans from Excel: one row per plan, each checked by the same rules as the /plans dialog."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.errors import Conflict, InvalidInput
from core.imports import clean_text
from core.people import audit
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.plans.rules import PlanDraft
from core.plans.service import add_plan, parse_plan_draft
from core.spreadsheets import Column, Row, RowError, TableInvalid, column_of, duplicates, parse_rows

IMPORT_FLOW = "plan_import"
MAX_PLANS = 200


COLUMNS: tuple[Column, ...] = (
    Column("plan_no", ("计划编号", "考评计划编号"), True, lambda raw: clean_text(raw, 40)),
    Column("name", ("计划名称", "名称"), True, lambda raw: clean_text(raw, 200)),
    Column("occupations", ("考评工种", "职业（工种）", "职业(工种)", "工种"), True, str),
    Column("registration_start", ("报名开始日期", "报名开始"), True, str),
    Column("registration_end", ("报名截止日期", "报名截止"), True, str),
    Column("study_start", ("在线学习开始日期", "学习考核开始"), True, str),
    Column("study_end", ("在线学习截止日期", "学习考核截止"), True, str),
    Column("training_start", ("线下培训开始日期", "线下培训开始"), False, str),
    Column("training_end", ("线下培训结束日期", "线下培训结束"), False, str),
)


def _draft(row: Row) -> PlanDraft | RowError:
    """The row as a validated plan, or its first problem in the column the rules name."""
    fields = {key: str(value or "") for key, value in row.values.items()}
    try:
        return parse_plan_draft(fields)
    except InvalidInput as error:
        field = str(error.params.get("field", "plan_no"))
        return row.error(column_of(COLUMNS, field), error.key, **error.params)


async def apply_plan_file(
    session: AsyncSession, data: bytes, filename: str, actor_user_id: int | None
) -> list[str]:
    """Create every plan of the file inside the caller's unit of work, or none if any row is wrong."""
    rows, errors = parse_rows(data, filename, COLUMNS, max_rows=MAX_PLANS)
    errors += duplicates(rows, column_of(COLUMNS, "plan_no"), lambda r: r["plan_no"])
    drafts: list[tuple[Row, PlanDraft]] = []
    for row in rows:
        draft = _draft(row)
        if isinstance(draft, RowError):
            errors.append(draft)
        else:
            drafts.append((row, draft))
    if errors:
        raise TableInvalid(errors, "imports.plans.rows_invalid")
    for row, draft in drafts:
        try:
            await add_plan(session, actor_user_id, draft)
        except Conflict as taken:
            errors.append(row.error(column_of(COLUMNS, "plan_no"), taken.key, **taken.params))
    if errors:
        raise TableInvalid(errors, "imports.plans.rows_invalid")
    if not drafts:
        raise InvalidInput("imports.plans.empty", filename=filename)
    await audit.record(
        session, actor_user_id, "plans.import", f"file:{filename[:58]}", after={"created": len(drafts)}
    )
    return [draft.plan_no for _, draft in drafts]


async def open_import(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Wait for a plans sheet from a staff member; refuse anyone else."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        await dialogs.save(uow.session, actor.user_id, dialogs.DialogState(IMPORT_FLOW, "file", {}))
        await uow.commit()


async def import_plans(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], data: bytes, filename: str
) -> list[str]:
    """Staff import of plans from an .xlsx or .csv upload; the flow closes once they are created."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        created = await apply_plan_file(uow.session, data, filename, actor.user_id)
        await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
    return created
