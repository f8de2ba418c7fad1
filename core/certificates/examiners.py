"""The examiner database (考评人员信息库): passers with occupation and the levels they may examine."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Examiner, Institution, IssuedCertificate, Plan, Profile, Registration
from core.errors import InvalidInput
from core.normalise import clean_text
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.quiz.scoring import examinable_levels
from core.render.xlsx import write_table
from core.texts import t

_LEVEL_ALIASES = {
    "5": 0, "五": 0, "五级": 0, "初级": 0, "初级工": 0,
    "4": 1, "四": 1, "四级": 1, "中级": 1, "中级工": 1,
    "3": 2, "三": 2, "三级": 2, "高级": 2, "高级工": 2,
}  # fmt: skip


def parse_levels(raw: str) -> list[str]:
    """Read a level scope such as 「五级、四级」 or 「3,4,5」 into the level names, lowest first."""
    levels = examinable_levels()
    text = clean_text(raw, code=True)
    if text in ("", "全部", "五级至三级"):
        return list(levels)
    picked: set[int] = set()
    for part in text.replace("、", ",").replace("，", ",").replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key = part if part in _LEVEL_ALIASES else part.split("/")[0]
        if key not in _LEVEL_ALIASES:
            raise InvalidInput("certs.examiner.bad_level", value=part[:20], allowed="、".join(levels))
        picked.add(_LEVEL_ALIASES[key])
    return [levels[i] for i in sorted(picked)]


async def enter_examiner(session: AsyncSession, registration: Registration, levels: list[str]) -> Examiner:
    """Enter (or return) the examiner row for a registration whose holder passed the qualification exam."""
    found = await session.scalar(select(Examiner).where(Examiner.registration_id == registration.id))
    if found is not None:
        return found
    profile = await session.scalar(select(Profile).where(Profile.user_id == registration.user_id))
    plan = await session.get(Plan, registration.plan_id)
    assert profile is not None and plan is not None
    institution = ""
    if profile.institution_id is not None:
        institution = (
            await session.scalar(select(Institution.name).where(Institution.id == profile.institution_id))
            or ""
        )
    occupation = registration.occupation or (plan.occupations[0] if plan.occupations else "")
    examiner = Examiner(
        registration_id=registration.id,
        user_id=registration.user_id,
        name=profile.name or "",
        id_number=profile.id_number or "",
        institution=institution,
        occupation=occupation,
        levels=levels,
    )
    session.add(examiner)
    await session.flush()
    return examiner


EXPORT_COLUMNS = ("name", "id_number", "institution", "occupation", "levels", "number", "issued_on", "status")


async def export_examiners(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int]
) -> tuple[bytes, int]:
    """Staff export the whole database as an Excel sheet, one examiner a row."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        rows = await uow.session.execute(
            select(
                Examiner.name,
                Examiner.id_number,
                Examiner.institution,
                Examiner.occupation,
                Examiner.levels,
                IssuedCertificate.number,
                IssuedCertificate.issued_on,
                IssuedCertificate.revoked_at,
            )
            .outerjoin(IssuedCertificate, IssuedCertificate.examiner_id == Examiner.id)
            .order_by(Examiner.id)
        )
        valid, revoked = t("certs.state.valid"), t("certs.state.revoked")
        table = [
            [
                name,
                id_number,
                institution,
                occupation,
                "、".join(levels),
                number or "",
                issued_on.isoformat() if issued_on is not None else "",
                revoked if revoked_at is not None else (valid if number else ""),
            ]
            for name, id_number, institution, occupation, levels, number, issued_on, revoked_at in rows
        ]
    headers = [t(f"certs.examiner.column.{key}") for key in EXPORT_COLUMNS]
    return write_table(headers, table, t("certs.examiner.sheet_title")), len(table)
