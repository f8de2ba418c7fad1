"""Electronic examiner certificates: issue, download (always the same document), verify and revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.certificates.numbers import is_well_formed, new_certificate_number, normalise
from core.certificates.seals import current_seal
from core.db import Database
from core.db.models import Examiner, IssuedCertificate, Photo, Plan, Profile, Registration, User, utcnow
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.normalise import clean_text, guard_text
from core.people.roles import require_staff
from core.people.users import TelegramIdentity, ensure_user
from core.profile.identity import mask_id
from core.render.certificate import CertificateData, render_certificate
from core.texts import t


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issues certificates and where they are verified (from settings)."""

    name: str
    public_base_url: str

    def verify_url(self, number: str) -> str:
        """The address printed in the certificate's QR code."""
        return f"{self.public_base_url.rstrip('/')}/verify?no={number}"


@dataclass(frozen=True, slots=True)
class CertificateDocument:
    """A certificate PDF ready to send, with the facts its caption states."""

    number: str
    filename: str
    pdf: bytes
    revoked: bool


@dataclass(frozen=True, slots=True)
class Verification:
    """What anyone may learn about a certificate number: valid or revoked, and whose, partly masked."""

    number: str
    status: str  # valid | revoked
    masked_name: str
    occupation: str
    levels: tuple[str, ...]
    issued_on: date
    issuer: str
    revoked_at: datetime | None
    revoke_reason: str | None


@dataclass(frozen=True, slots=True)
class Revocation:
    """A revoked certificate and whom to tell."""

    number: str
    holder_telegram_id: int
    reason: str


def valid_until(issued_on: date, years: int | None) -> date | None:
    """The last valid day of a certificate valid for `years` (29 February falls back to the 28th)."""
    if years is None:
        return None
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:
        anniversary = issued_on.replace(year=issued_on.year + years, day=28)
    return date.fromordinal(anniversary.toordinal() - 1)


def mask_name(name: str) -> str:
    """Keep the first character (and the last, for names of three or more) so a holder can be recognised."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


async def issue_certificate(
    session: AsyncSession, examiner: Examiner, issued_on: date, issuer: Issuer
) -> IssuedCertificate:
    """Issue the examiner's certificate once, freezing what it states; a second call returns the first."""
    found = await session.scalar(
        select(IssuedCertificate).where(IssuedCertificate.examiner_id == examiner.id)
    )
    if found is not None:
        return found
    number = new_certificate_number(issued_on.year)
    gender = await session.scalar(select(Profile.gender).where(Profile.user_id == examiner.user_id))
    years = await session.scalar(
        select(Plan.certificate_valid_years)
        .join(Registration, Registration.plan_id == Plan.id)
        .where(Registration.id == examiner.registration_id)
    )
    certificate = IssuedCertificate(
        number=number,
        examiner_id=examiner.id,
        user_id=examiner.user_id,
        holder_name=examiner.name,
        occupation=examiner.occupation,
        levels=list(examiner.levels),
        issued_on=issued_on,
        issuer=issuer.name,
        verify_url=issuer.verify_url(number),
        holder_gender=gender,
        valid_until=valid_until(issued_on, years),
    )
    session.add(certificate)
    await session.flush()
    return certificate


async def certificate_data(
    session: AsyncSession, row: IssuedCertificate, seal: bytes | None
) -> CertificateData:
    """The frozen issue data, in the renderer's terms, with the holder's photo, masked ID and the seal."""
    examiner = await session.get(Examiner, row.examiner_id)
    assert examiner is not None
    photo = await session.scalar(select(Photo.data).where(Photo.user_id == row.user_id))
    return CertificateData(
        holder_name=row.holder_name,
        id_number_masked=mask_id(examiner.id_number),
        occupation=row.occupation,
        level_scope=tuple(row.levels),
        certificate_no=row.number,
        issue_date=row.issued_on,
        verify_url=row.verify_url,
        issuer=row.issuer,
        photo=photo,
        seal_png=seal,
        gender=row.holder_gender or "",
        valid_until=row.valid_until,
    )


async def certificate_of(session: AsyncSession, user_id: int) -> IssuedCertificate | None:
    """The candidate's newest certificate, if any."""
    return await session.scalar(
        select(IssuedCertificate)
        .where(IssuedCertificate.user_id == user_id)
        .order_by(IssuedCertificate.id.desc())
    )


async def my_certificate(db: Database, who: TelegramIdentity) -> CertificateDocument:
    """The candidate's certificate PDF: once rendered with the seal it is kept, so it never changes after.

    Before the centre's seal is uploaded each download is rendered afresh, saying 未加盖印章（样本）.
    """
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        row = await certificate_of(uow.session, user.id)
        if row is None:
            raise NotAllowed("certs.cert.none")
        pdf = row.pdf
        if pdf is None:
            seal = await current_seal(uow.session)
            pdf = render_certificate(await certificate_data(uow.session, row, seal))
            if seal is not None:
                row.pdf = pdf
        document = CertificateDocument(
            row.number, t("certs.cert.filename", number=row.number), pdf, row.revoked_at is not None
        )
        await uow.commit()
    return document


def checked_number(raw: str) -> str:
    """Normalise a typed or scanned number and reject it by its check character before any lookup."""
    raw = clean_text(raw, code=True)
    if not is_well_formed(raw):
        raise InvalidInput("certs.verify.malformed", number=raw[:40])
    return normalise(raw)


async def verify(db: Database, raw: str) -> Verification:
    """Look up a certificate number for anyone asking; forged numbers never reach the database."""
    number = checked_number(raw)
    async with db.uow() as uow:
        row = await uow.session.scalar(select(IssuedCertificate).where(IssuedCertificate.number == number))
        if row is None:
            raise NotFound("certs.verify.unknown", number=number)
        return Verification(
            number=row.number,
            status="revoked" if row.revoked_at is not None else "valid",
            masked_name=mask_name(row.holder_name),
            occupation=row.occupation,
            levels=tuple(row.levels),
            issued_on=row.issued_on,
            issuer=row.issuer,
            revoked_at=row.revoked_at,
            revoke_reason=row.revoke_reason,
        )


async def revoke(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], raw_number: str, raw_reason: str
) -> Revocation:
    """Staff revoke a certificate with a reason; the verification page says so from this moment."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        number = checked_number(raw_number)
        reason = guard_text(raw_reason, t("certs.revoke.reason_label"), max_len=200, min_len=2)
        row = await uow.session.scalar(
            select(IssuedCertificate).where(IssuedCertificate.number == number).with_for_update()
        )
        if row is None:
            raise NotFound("certs.verify.unknown", number=number)
        if row.revoked_at is not None:
            raise Conflict("certs.revoke.already", number=number, reason=row.revoke_reason or "")
        row.revoked_at = utcnow()
        row.revoke_reason = reason
        row.revoked_by_user_id = actor.user_id
        holder = await uow.session.get(User, row.user_id)
        assert holder is not None
        await uow.commit()
    return Revocation(number, holder.telegram_id, reason)
