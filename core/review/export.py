"""The 审核名单 of a plan as Excel: who applied, the decision, its reason, who decided and when."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.db import Database
from core.db.models import Institution, Plan, Profile, Registration, StaffMember, User
from core.errors import NotFound
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.profile.identity import mask_id
from core.render.xlsx import write_table
from core.texts import t

COLUMNS = (
    "no",
    "name",
    "id_number",
    "institution",
    "occupation",
    "status",
    "reason",
    "reviewer",
    "decided_at",
    "submitted_at",
)

DECIDED = ("approved", "rejected")


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """A plan staff may export the list of."""

    id: int
    plan_no: str
    name: str


@dataclass(frozen=True, slots=True)
class ReviewList:
    """The workbook and what its caption says."""

    plan_no: str
    filename: str
    xlsx: bytes
    rows: int


def headers() -> list[str]:
    """The header row, from the catalogue."""
    return [t(f"documents.review_export.column.{key}") for key in COLUMNS]


async def plans_to_export(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> list[PlanChoice]:
    """Every plan, newest first, for staff to pick one."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        plans = await uow.session.scalars(
            select(Plan).order_by(Plan.registration_start.desc(), Plan.id.desc())
        )
        return [PlanChoice(p.id, p.plan_no, p.name) for p in plans]


async def export_review_list(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], plan_id: int
) -> ReviewList:
    """Every submitted registration of the plan (drafts are not applications yet), oldest first."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        plan = await uow.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("common.stale_button")
        reviewer = aliased(User)
        rows = await uow.session.execute(
            select(
                Profile.name,
                Profile.id_number,
                Institution.name,
                Registration.occupation,
                Registration.status,
                Registration.resubmitted,
                Registration.reject_reason,
                StaffMember.name,
                reviewer.first_name,
                Registration.decided_at,
                Registration.submitted_at,
            )
            .join(Profile, Profile.user_id == Registration.user_id)
            .outerjoin(Institution, Institution.id == Profile.institution_id)
            .outerjoin(reviewer, reviewer.id == Registration.decided_by_user_id)
            .outerjoin(StaffMember, StaffMember.telegram_id == reviewer.telegram_id)
            .where(Registration.plan_id == plan.id, Registration.status != "draft")
            .order_by(Registration.submitted_at, Registration.id)
        )
        table = [
            [
                number,
                name or "",
                mask_id(id_number or ""),
                institution or "",
                occupation or "",
                t(f"certs.status.{'resubmitted' if status == 'submitted' and again else status}"),
                (reason or "") if status == "rejected" else "",
                (staff_name or first_name or "") if status in DECIDED else "",
                decided_at if status in DECIDED else None,
                submitted_at,
            ]
            for number, (
                name,
                id_number,
                institution,
                occupation,
                status,
                again,
                reason,
                staff_name,
                first_name,
                decided_at,
                submitted_at,
            ) in enumerate(rows, start=1)
        ]
        plan_no = plan.plan_no
    xlsx = write_table(headers(), table, t("documents.review_export.sheet_title", plan=plan_no))
    return ReviewList(plan_no, t("documents.review_export.filename", plan=plan_no), xlsx, len(table))
