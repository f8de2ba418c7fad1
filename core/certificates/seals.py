"""The centre's seal: staff upload it once, confirm the preview, and it is printed on every document after."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.certificates.seal_image import check_seal, preview_png
from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Seal, utcnow
from core.errors import Conflict, NotAllowed, NotFound
from core.people.roles import require_staff
from core.people.users import TelegramIdentity

SEAL_FLOW = "seal"


@dataclass(frozen=True, slots=True)
class SealPreview:
    """An uploaded seal waiting for confirmation, shown back on white paper."""

    seal_id: int
    width: int
    height: int
    preview: bytes


@dataclass(frozen=True, slots=True)
class SealStatus:
    """Whether a seal is in use, and since when (as the desk shows it)."""

    in_use: bool
    confirmed_at_iso: str | None


async def current_seal(session: AsyncSession) -> bytes | None:
    """The seal printed on documents now: the one confirmed last, or None before any."""
    return await session.scalar(
        select(Seal.png)
        .where(Seal.confirmed_at.is_not(None))
        .order_by(Seal.confirmed_at.desc(), Seal.id.desc())
        .limit(1)
    )


async def start_upload(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> SealStatus:
    """Staff open the upload: the next document they send is taken as the seal."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        await dialogs.save(uow.session, actor.user_id, DialogState(SEAL_FLOW, "upload", {}))
        latest = await uow.session.scalar(
            select(Seal.confirmed_at)
            .where(Seal.confirmed_at.is_not(None))
            .order_by(Seal.confirmed_at.desc())
            .limit(1)
        )
        await uow.commit()
    return SealStatus(latest is not None, latest.isoformat() if latest is not None else None)


async def receive(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], data: bytes) -> SealPreview:
    """Check and store the uploaded seal (the same image is stored once) and ask for confirmation."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != SEAL_FLOW:
            raise NotAllowed("documents.seal.not_uploading")
        image = check_seal(data)
        row = await uow.session.scalar(select(Seal).where(Seal.sha256 == image.sha256))
        if row is None:
            row = Seal(
                png=image.png,
                sha256=image.sha256,
                width=image.width,
                height=image.height,
                uploaded_by_user_id=actor.user_id,
            )
            uow.session.add(row)
            await uow.session.flush()
        elif row.png == await current_seal(uow.session):
            raise Conflict("documents.seal.same")
        await dialogs.save(uow.session, actor.user_id, DialogState(SEAL_FLOW, "confirm", {"seal_id": row.id}))
        preview = SealPreview(row.id, row.width, row.height, preview_png(row.png))
        await uow.commit()
    return preview


async def confirm(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], seal_id: int) -> None:
    """Put the previewed seal in use for every certificate and ticket rendered from now on."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        state = await dialogs.load(uow.session, actor.user_id)
        if state is None or state.flow != SEAL_FLOW or state.data.get("seal_id") != seal_id:
            raise NotAllowed("common.stale_button")
        row = await uow.session.get(Seal, seal_id, with_for_update=True)
        if row is None:
            raise NotFound("common.stale_button")
        row.confirmed_at = utcnow()
        await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
