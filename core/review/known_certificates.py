"""The certificate registry: staff import known certificates so matching registrations need no proof."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import normalise
from core.db import Database
from core.db.models import Certificate, KnownCertificate, Profile, Registration
from core.errors import InvalidInput
from core.imports import MAX_IMPORT_ROWS, ImportReport, clean_text, refuse, update_audited
from core.people import audit
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.profile.id_numbers import validate_resident_id
from core.profile.identity import certificate_number_or_none, validate_certificate_number
from core.registration.eligibility import SKILL_LEVELS, normalise_name, skill_rank
from core.spreadsheets import Column, column_of, duplicates, read_rows


def parse_id_number(raw: str) -> str:
    """A mainland resident ID with its check digit, or another document number of letters and digits."""
    text = re.sub(r"\s", "", normalise.clean_text(raw, code=True)).upper()
    if re.fullmatch(r"\d{17}[\dX]", text):
        return validate_resident_id(text).number
    if not re.fullmatch(r"[A-Z0-9]{5,32}", text):
        raise InvalidInput("staff.import.bad_id_number")
    return text


def parse_certificate_number(raw: str) -> str:
    """The candidate's rule (core.profile.identity), so a registry row and a typed number compare equal."""
    return validate_certificate_number(raw, error="staff.import.bad_certificate_number")


def parse_level(raw: str) -> str:
    """A skill level in any common spelling, stored in the canonical 三级/高级工 form."""
    rank = skill_rank(raw)
    if rank is None:
        raise InvalidInput("staff.import.bad_level", allowed="、".join(SKILL_LEVELS))
    return SKILL_LEVELS[rank]


COLUMNS = (
    Column("name", ("姓名", "name"), True, lambda raw: clean_text(raw, 64)),
    Column(
        "id_number", ("证件号码", "身份证号码", "身份证号", "id number", "id_number"), True, parse_id_number
    ),
    Column(
        "number", ("证书编号", "certificate number", "certificate_number"), True, parse_certificate_number
    ),
    Column(
        "occupation",
        ("职业", "职业(工种)", "职业（工种）", "occupation"),
        True,
        lambda raw: clean_text(raw, 64),
    ),
    Column("level", ("等级", "级别", "level"), True, parse_level),
)


@dataclass(frozen=True, slots=True)
class RegistryStats:
    """How large the certificate registry is and how many entered certificates it confirmed."""

    known: int
    verified: int


async def verify_matching(session: AsyncSession, actor_id: int | None) -> int:
    """Mark entered skill certificates verified when the registry holds them for the same person."""
    rows = await session.execute(
        select(Certificate, Registration.user_id, KnownCertificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .join(Profile, Profile.user_id == Registration.user_id)
        .join(KnownCertificate, KnownCertificate.id_number == Profile.id_number)
        .where(Certificate.verified.is_(False), Certificate.kind == "skill")
    )
    verified = 0
    for certificate, user_id, known in rows.all():
        # in registry form on both sides: rows imported before it was ASCII-only may hold dashes
        registry_form = certificate_number_or_none
        same_number = registry_form(certificate.number) == registry_form(known.number)
        same_occupation = normalise_name(certificate.field) == normalise_name(known.occupation)
        if not (same_number and same_occupation) or certificate.verified:
            continue
        certificate.verified = True
        verified += 1
        await audit.record(
            session,
            actor_id,
            "certificate.verify",
            f"certificate:{certificate.id}",
            candidate_user_id=user_id,
            before={"verified": False},
            after={"verified": True, "known_certificate_id": known.id},
        )
    return verified


async def apply_certificate_file(
    session: AsyncSession, data: bytes, filename: str, actor_id: int | None
) -> ImportReport:
    """Validate the whole file, upsert by (certificate number, ID number), then verify matching entries."""
    rows = read_rows(data, filename, COLUMNS, max_rows=MAX_IMPORT_ROWS)
    refuse(duplicates(rows, column_of(COLUMNS, "number"), lambda r: (r["number"], r["id_number"])))
    records = [row.values for row in rows]
    known = {
        (row.number, row.id_number): row for row in (await session.scalars(select(KnownCertificate))).all()
    }
    created = updated = unchanged = 0
    for record in records:
        row = known.get((record["number"], record["id_number"]))
        if row is None:
            session.add(KnownCertificate(**record))
            created += 1
        elif await update_audited(
            session, row, record, actor_id, "known_certificate.update", f"known_certificate:{row.id}"
        ):
            updated += 1
        else:
            unchanged += 1
    await session.flush()
    verified = await verify_matching(session, actor_id)
    counts = {"created": created, "updated": updated, "unchanged": unchanged, "verified": verified}
    await audit.record(session, actor_id, "certificates.import", f"file:{filename[:58]}", after=counts)
    return ImportReport(created, updated, unchanged, verified)


async def import_certificates(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], data: bytes, filename: str
) -> ImportReport:
    """Staff import of the certificate registry from an .xlsx or .csv upload."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        report = await apply_certificate_file(uow.session, data, filename, actor.user_id)
        await uow.commit()
    return report


async def registry_stats(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> RegistryStats:
    """Sizes for the desk's 证书库 screen."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        known = await uow.session.scalar(select(func.count()).select_from(KnownCertificate)) or 0
        verified = await uow.session.scalar(
            select(func.count()).select_from(Certificate).where(Certificate.verified.is_(True))
        )
    return RegistryStats(known, verified or 0)
