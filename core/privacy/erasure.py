"""Deleting personal data: files alone (retention) or every personal field (erasure), certificates masked."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import (
    AuditEntry,
    Certificate,
    Dialog,
    ErasureRequest,
    Examiner,
    IssuedCertificate,
    KnownCertificate,
    MailRequest,
    OutboxMessage,
    Photo,
    Profile,
    Proof,
    Registration,
    User,
    utcnow,
)
from core.privacy.masking import mask_id, mask_name


@dataclass(frozen=True, slots=True)
class Deleted:
    """How many rows of each kind went; anonymised counts for the audit log and the dry run."""

    photos: int = 0
    proofs: int = 0
    profiles: int = 0
    certificates_kept: int = 0


async def delete_files(
    session: AsyncSession, user_ids: Collection[int], plan_id: int | None = None, photos: bool = True
) -> Deleted:
    """Delete these people's certificate proofs (one plan's only, if given) and, unless asked not, photos."""
    if not user_ids:
        return Deleted()
    certificates = select(Certificate.id).join(Registration, Registration.id == Certificate.registration_id)
    certificates = certificates.where(Registration.user_id.in_(user_ids))
    if plan_id is not None:
        certificates = certificates.where(Registration.plan_id == plan_id)
    proofs = await session.execute(delete(Proof).where(Proof.certificate_id.in_(certificates)))
    if not photos:
        return Deleted(proofs=proofs.rowcount or 0)  # type: ignore[attr-defined]
    gone = await session.execute(delete(Photo).where(Photo.user_id.in_(user_ids)))
    # the first rendering embeds the photo; a later download renders again without it
    held = IssuedCertificate.user_id.in_(user_ids)
    await session.execute(update(IssuedCertificate).where(held).values(pdf=None))
    return Deleted(photos=gone.rowcount or 0, proofs=proofs.rowcount or 0)  # type: ignore[attr-defined]


async def erase_person(session: AsyncSession, user_id: int, actor_user_id: int | None) -> Deleted:
    """Remove every personal field of one person; an issued certificate keeps only the masked name.

    What stays: the user row (its Telegram id, so the bot can still answer), registrations' stages,
    study and quiz records, consents given, and the certificate record for public verification.
    """
    files = await delete_files(session, [user_id])
    id_number = await session.scalar(select(Profile.id_number).where(Profile.user_id == user_id))
    profiles = await session.execute(delete(Profile).where(Profile.user_id == user_id))
    certificates = select(Certificate.id).join(Registration, Registration.id == Certificate.registration_id)
    mine = certificates.where(Registration.user_id == user_id)
    await session.execute(delete(Certificate).where(Certificate.id.in_(mine)))
    await session.execute(delete(MailRequest).where(MailRequest.user_id == user_id))
    if id_number:
        await session.execute(delete(KnownCertificate).where(KnownCertificate.id_number == id_number))
    for examiner in await session.scalars(select(Examiner).where(Examiner.user_id == user_id)):
        examiner.name, examiner.id_number = mask_name(examiner.name), mask_id(examiner.id_number)
    kept = 0
    issued_rows = await session.scalars(select(IssuedCertificate).where(IssuedCertificate.user_id == user_id))
    for issued in issued_rows:
        issued.holder_name, issued.pdf = mask_name(issued.holder_name), None
        kept += 1
    await session.execute(delete(Dialog).where(Dialog.user_id == user_id))
    outbox = OutboxMessage.user_id == user_id
    await session.execute(delete(OutboxMessage).where(outbox, OutboxMessage.status == "pending"))
    await session.execute(update(OutboxMessage).where(outbox).values(text=None))
    await session.execute(
        update(AuditEntry).where(AuditEntry.candidate_user_id == user_id).values(before=None, after=None)
    )
    await session.execute(update(User).where(User.id == user_id).values(first_name="", username=None))
    await session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.user_id == user_id, ErasureRequest.status == "requested")
        .values(status="done", done_at=utcnow(), done_by_user_id=actor_user_id)
    )
    return Deleted(files.photos, files.proofs, profiles.rowcount or 0, kept)  # type: ignore[attr-defined]
