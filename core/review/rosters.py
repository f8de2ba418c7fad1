"""Rosters (花名册): counts by stage, who is behind, Excel; liaisons see only their own people."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Institution, Plan, Profile, Registration, User
from core.errors import InvalidInput, NotAllowed
from core.people.roles import require_liaison, require_staff
from core.people.stages import STAGE_ORDER, RegistrationFacts, Stage, later_stages, next_deadline, stage_of
from core.people.users import TelegramIdentity
from core.profile.identity import mask_id, mask_mobile
from core.render.xlsx import write_table
from core.texts import t

BEHIND_SHOWN = 30


@dataclass(frozen=True, slots=True)
class RosterPerson:
    """One candidate on a roster; numbers are masked unless staff asked."""

    name: str
    id_number: str
    mobile: str
    institution: str
    stage: Stage
    deadline: date | None


@dataclass(frozen=True, slots=True)
class Roster:
    """A roster for one institution or all of them, optionally one stage only."""

    scope: str
    institution_id: int | None
    stage: Stage | None
    counts: dict[Stage, int]
    people: list[RosterPerson]

    @property
    def behind(self) -> list[RosterPerson]:
        """People who still owe a step, earliest deadline first."""
        due = [p for p in self.people if p.deadline is not None]
        return sorted(due, key=lambda p: (p.deadline or date.max, p.name))


def parse_stage(raw: str | None) -> Stage | None:
    """A stage filter from a button or command; refuse unknown names."""
    if not raw or raw == "all":
        return None
    try:
        return Stage(raw)
    except ValueError:
        raise InvalidInput("staff.roster.bad_stage") from None


async def _people(
    session: AsyncSession, institution_id: int | None, stage: Stage | None, masked: bool
) -> tuple[dict[Stage, int], list[RosterPerson]]:
    """Everyone whose profile names an institution, with their latest registration's stage."""
    statement = (
        select(Profile, User.first_name, Institution.name)
        .join(User, User.id == Profile.user_id)
        .join(Institution, Institution.id == Profile.institution_id)
        .order_by(Institution.name, Profile.id)
    )
    if institution_id is not None:
        statement = statement.where(Profile.institution_id == institution_id)
    rows = (await session.execute(statement)).all()
    user_ids = [profile.user_id for profile, _, _ in rows]
    latest: dict[int, RegistrationFacts] = {}
    if user_ids:
        registrations = await session.execute(
            select(
                Registration.id,
                Registration.user_id,
                Registration.status,
                Plan.registration_end,
                Plan.study_end,
            )
            .join(Plan, Plan.id == Registration.plan_id)
            .where(Registration.user_id.in_(user_ids))
            .order_by(Registration.created_at, Registration.id)
        )
        for reg_id, user_id, status, reg_end, study_end in registrations.all():
            latest[user_id] = RegistrationFacts(reg_id, status, reg_end, study_end)
    open_plan_end = await session.scalar(
        select(Plan.registration_end).where(Plan.status == "published").order_by(Plan.registration_end.desc())
    )
    nothing = RegistrationFacts(None, None, open_plan_end, None)
    later = await later_stages(session, [f.registration_id for f in latest.values() if f.registration_id])
    counts: Counter[Stage] = Counter()
    people = []
    for profile, first_name, institution_name in rows:
        facts = latest.get(profile.user_id, nothing)
        current = stage_of(facts, later)
        counts[current] += 1
        if stage is not None and current is not stage:
            continue
        id_number, mobile = profile.id_number or "", profile.mobile or ""
        people.append(
            RosterPerson(
                name=profile.name or first_name,
                id_number=mask_id(id_number) if masked and id_number else id_number,
                mobile=mask_mobile(mobile) if masked and mobile else mobile,
                institution=institution_name,
                stage=current,
                deadline=next_deadline(current, facts),
            )
        )
    return {s: counts.get(s, 0) for s in STAGE_ORDER}, people


async def liaison_roster(db: Database, who: TelegramIdentity, institution_id: int | None = None) -> Roster:
    """A liaison's roster of their own institution; asking for another institution is refused."""
    async with db.uow() as uow:
        actor = await require_liaison(uow.session, who)
        if institution_id is not None and institution_id != actor.institution_id:
            raise NotAllowed("liaison.not_yours")
        assert actor.institution_id is not None
        scope = await uow.session.scalar(
            select(Institution.name).where(Institution.id == actor.institution_id)
        )
        counts, people = await _people(uow.session, actor.institution_id, None, masked=True)
        await uow.commit()
    return Roster(scope or "", actor.institution_id, None, counts, people)


async def staff_roster(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    institution_id: int | None = None,
    stage: Stage | None = None,
) -> Roster:
    """Staff see every institution (or one), optionally one stage, with full numbers."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        scope = t("staff.roster.all_institutions")
        if institution_id is not None:
            name = await uow.session.scalar(select(Institution.name).where(Institution.id == institution_id))
            if name is None:
                raise InvalidInput("staff.roster.bad_institution")
            scope = name
        counts, people = await _people(uow.session, institution_id, stage, masked=False)
        await uow.commit()
    return Roster(scope, institution_id, stage, counts, people)


def roster_workbook(roster: Roster) -> bytes:
    """The roster as an .xlsx file, one row per person."""
    headers = [
        t(f"staff.roster.column.{key}")
        for key in ("name", "id_number", "mobile", "institution", "stage", "deadline")
    ]
    rows = [
        [
            p.name,
            p.id_number,
            p.mobile,
            p.institution,
            t(f"staff.stage.{p.stage.value}"),
            t("common.date", d=p.deadline) if p.deadline else "",
        ]
        for p in roster.people
    ]
    return write_table(headers, rows, t("staff.roster.sheet_title"))
