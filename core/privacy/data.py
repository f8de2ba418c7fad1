"""What the programme holds about one person: counted and masked for screens, in full for an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import (
    BatchAssignment,
    Certificate,
    Consent,
    ErasureRequest,
    ExamResult,
    IssuedCertificate,
    MailRequest,
    Photo,
    Plan,
    Profile,
    Proof,
    Registration,
    User,
)
from core.privacy.masking import mask_email, mask_id, mask_mobile, mask_name
from core.profile.fields import LABELS, view_of
from core.registration.eligibility import STATUS_LABELS
from core.render.xlsx import write_table
from core.texts import t


@dataclass(frozen=True, slots=True)
class HeldFile:
    """A photo (bytes kept here) or a proof (bytes kept by Telegram, sent again by its file id)."""

    file_name: str
    mime_type: str
    data: bytes | None = None
    telegram_file_id: str | None = None


@dataclass(frozen=True, slots=True)
class Holding:
    """A person's data as a screen may show it: numbers masked, the rest counted."""

    user_id: int
    telegram_id: int
    name: str
    id_number: str
    mobile: str
    email: str
    fields_filled: int
    has_photo: bool
    registrations: int
    proofs: int
    certificates: int
    consents: tuple[tuple[str, str, datetime], ...]
    erasure_pending: bool


@dataclass(frozen=True, slots=True)
class Export:
    """Everything held, as an Excel workbook plus the photo and proofs themselves."""

    workbook: bytes
    file_name: str
    files: tuple[HeldFile, ...]


async def holding(session: AsyncSession, user: User) -> Holding:
    """Count what is held about the person and mask their numbers."""
    profile = await session.scalar(select(Profile).where(Profile.user_id == user.id))
    filled = 0
    if profile is not None:
        shown = (await view_of(session, profile, locked=False)).values
        filled = sum(1 for value in shown.values() if value)
    mine = select(Registration.id).where(Registration.user_id == user.id)
    registrations = (await session.scalars(mine)).all()
    proofs = await session.scalars(
        select(Proof.id).where(Proof.certificate_id.in_(_certificates_of(user.id)))
    )
    issued = await session.scalars(select(IssuedCertificate.id).where(IssuedCertificate.user_id == user.id))
    consents = await session.execute(
        select(Consent.kind, Consent.version, Consent.agreed_at)
        .where(Consent.user_id == user.id)
        .order_by(Consent.id)
    )
    pending = await session.scalar(
        select(ErasureRequest.id).where(
            ErasureRequest.user_id == user.id, ErasureRequest.status == "requested"
        )
    )
    return Holding(
        user_id=user.id,
        telegram_id=user.telegram_id,
        name=mask_name(profile.name) if profile and profile.name else "",
        id_number=mask_id(profile.id_number) if profile and profile.id_number else "",
        mobile=mask_mobile(profile.mobile) if profile and profile.mobile else "",
        email=mask_email(profile.email) if profile and profile.email else "",
        fields_filled=filled,
        has_photo=await session.scalar(select(Photo.id).where(Photo.user_id == user.id)) is not None,
        registrations=len(registrations),
        proofs=len(proofs.all()),
        certificates=len(issued.all()),
        consents=tuple((k, v, at) for k, v, at in consents.all()),
        erasure_pending=pending is not None,
    )


def _certificates_of(user_id: int) -> Select[int]:
    return (
        select(Certificate.id)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.user_id == user_id)
    )


async def export(session: AsyncSession, user: User) -> Export:
    """Every field held about the person in full, one row each, with their photo and proofs."""
    rows: list[tuple[str, str, object]] = []
    section = t("privacy.export.section.profile")
    profile = await session.scalar(select(Profile).where(Profile.user_id == user.id))
    if profile is not None:
        for field, value in (await view_of(session, profile, locked=False)).values.items():
            rows.append((section, LABELS[field], value))
    files: list[HeldFile] = []
    photo = await session.scalar(select(Photo).where(Photo.user_id == user.id))
    if photo is not None:
        suffix = "png" if photo.mime_type == "image/png" else "jpg"
        files.append(HeldFile(f"照片.{suffix}", photo.mime_type, data=photo.data))
        rows.append((section, LABELS["photo"], files[0].file_name))
    section = t("privacy.export.section.registration")
    registrations = await session.execute(
        select(Registration, Plan.plan_no).join(Plan, Plan.id == Registration.plan_id).where(
            Registration.user_id == user.id
        )
    )
    for registration, plan_no in registrations.all():
        status = STATUS_LABELS.get(registration.status, registration.status)
        rows.append((section, plan_no, f"{registration.occupation or ''} {status}".strip()))
    section = t("privacy.export.section.certificate")
    certificates = await session.scalars(
        select(Certificate).where(Certificate.id.in_(_certificates_of(user.id))).order_by(Certificate.id)
    )
    for c in certificates:
        rows.append((section, c.number, f"{c.field} {c.level} {c.issuer} {c.issued_on:%Y-%m-%d}"))
        proofs = await session.scalars(select(Proof).where(Proof.certificate_id == c.id).order_by(Proof.id))
        for proof in proofs:
            files.append(HeldFile(proof.file_name, proof.mime_type, telegram_file_id=proof.telegram_file_id))
            rows.append((t("privacy.export.section.proof"), c.number, proof.file_name))
    for part, item, content in await _results(session, user.id):
        rows.append((t(f"privacy.export.section.{part}"), item, content))
    consents = await session.execute(
        select(Consent.kind, Consent.version, Consent.agreed_at).where(Consent.user_id == user.id)
    )
    section = t("privacy.export.section.consent")
    for kind, version, agreed_at in consents.all():
        rows.append((section, t(f"privacy.export.consent.{kind}"), version))
        rows.append((section, t("privacy.export.agreed_at"), agreed_at))
    headers = [t(f"privacy.export.header.{h}") for h in ("section", "item", "value")]
    workbook = write_table(headers, rows, t("privacy.export.sheet"))
    return Export(workbook, t("privacy.export.file_name"), tuple(files))


async def _results(session: AsyncSession, user_id: int) -> list[tuple[str, str, object]]:
    """Tickets, exam results, issued certificates and mailing requests, as (section, item, value)."""
    rows: list[tuple[str, str, object]] = []
    seats = await session.execute(
        select(BatchAssignment.ticket_no, ExamResult.score, ExamResult.passed)
        .outerjoin(ExamResult, ExamResult.assignment_id == BatchAssignment.id)
        .where(BatchAssignment.user_id == user_id)
    )
    for ticket, score, passed in seats.all():
        verdict = t("privacy.export.passed" if passed else "privacy.export.failed")
        result = "" if score is None else f"{score} {verdict}"
        rows.append(("exam", ticket, result))
    issued = await session.scalars(select(IssuedCertificate).where(IssuedCertificate.user_id == user_id))
    for c in issued:
        levels = "、".join(c.levels)
        rows.append(("issued", c.number, f"{c.holder_name} {c.occupation} {levels} {c.issued_on:%Y-%m-%d}"))
    mail = await session.scalars(select(MailRequest).where(MailRequest.user_id == user_id))
    for m in mail:
        posted = f"{m.mobile} {m.address} {m.postcode} {m.tracking_no or ''}".strip()
        rows.append(("mail", m.recipient, posted))
    return rows
