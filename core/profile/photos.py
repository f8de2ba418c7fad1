"""上传照片 and proof files: sizes checked before download, content recognised by bytes, never by name."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import select

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Photo, utcnow
from core.errors import InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.profile import service as profile
from core.profile.fields import is_locked, view_of

MB = 1024 * 1024
MAX_PHOTO_BYTES = 3 * MB
MAX_PROOF_BYTES = 10 * MB
TELEGRAM_DOWNLOAD_LIMIT = 20 * MB
MIN_WIDTH, MIN_HEIGHT = 150, 200
MAX_SIDE = 8000
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What the bytes turned out to be."""

    mime_type: str
    width: int
    height: int


def check_declared_size(size: int | None, limit: int = MAX_PHOTO_BYTES) -> None:
    """Refuse by the size Telegram reports, before anything is downloaded."""
    if size is not None and size > TELEGRAM_DOWNLOAD_LIMIT:
        raise InvalidInput("photos.too_large_to_download", size=_mb(size), limit=_mb(limit))
    if size is not None and size > limit:
        raise InvalidInput("photos.too_large", size=_mb(size), limit=_mb(limit))


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


def inspect_image(data: bytes, limit: int = MAX_PHOTO_BYTES) -> ImageFacts:
    """JPEG or PNG by magic bytes, confirmed by decoding with Pillow; anything else is refused."""
    check_declared_size(len(data), limit)
    if data.startswith(_JPEG):
        mime, expected = "image/jpeg", "JPEG"
    elif data.startswith(_PNG):
        mime, expected = "image/png", "PNG"
    else:
        raise InvalidInput("photos.not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise InvalidInput("photos.not_image")
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    raise InvalidInput("photos.too_many_pixels", max=MAX_SIDE)
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except InvalidInput:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput("photos.not_image") from None
    return ImageFacts(mime, width, height)


def inspect_portrait(data: bytes) -> ImageFacts:
    """A photo for tickets: an image of at least 150×200 pixels, upright (height ≥ width)."""
    facts = inspect_image(data, MAX_PHOTO_BYTES)
    if facts.width < MIN_WIDTH or facts.height < MIN_HEIGHT:
        raise InvalidInput(
            "photos.too_small", width=facts.width, height=facts.height, min_w=MIN_WIDTH, min_h=MIN_HEIGHT
        )
    if facts.height < facts.width:
        raise InvalidInput("photos.not_portrait", width=facts.width, height=facts.height)
    return facts


def inspect_proof(data: bytes) -> str:
    """A proof is a JPEG/PNG image or a PDF, recognised by content; returns its MIME type."""
    check_declared_size(len(data), MAX_PROOF_BYTES)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise InvalidInput("photos.proof_broken_pdf")
        return "application/pdf"
    try:
        return inspect_image(data, MAX_PROOF_BYTES).mime_type
    except InvalidInput as error:
        if error.key == "photos.not_image":
            raise InvalidInput("photos.proof_not_allowed") from None
        raise


async def start_upload(db: Database, who: TelegramIdentity) -> profile.Screen:
    """Open the photo step (from the profile summary or the 上传照片 button)."""
    async with db.uow() as uow:
        session = uow.session
        user, row = await profile.load_profile(session, who)
        if await is_locked(session, user.id):
            raise NotAllowed("profile.locked")
        state = await dialogs.load(session, user.id)
        walking = state is not None and state.flow == profile.FLOW and not state.data.get("edit")
        data = {} if walking and state is not None and state.step == "photo" else {"edit": True}
        await dialogs.save(session, user.id, DialogState(profile.FLOW, "photo", data))
        view = await view_of(session, row, locked=False)
        await uow.commit()
    return profile.Screen("photo", view, editing=bool(data))


async def upload(
    db: Database, who: TelegramIdentity, data: bytes, telegram_file_id: str | None
) -> profile.Screen:
    """Check the image and store it, replacing any earlier photo; then go on with the profile."""
    facts = inspect_portrait(data)
    async with db.uow() as uow:
        session = uow.session
        user, row, state = await profile.editable(session, who)
        if state.step != "photo":
            raise InvalidInput("photos.not_expected")
        photo = await session.scalar(select(Photo).where(Photo.user_id == user.id))
        if photo is None:
            photo = Photo(user_id=user.id)
            session.add(photo)
        photo.data = data
        photo.mime_type = facts.mime_type
        photo.width, photo.height = facts.width, facts.height
        photo.sha256 = hashlib.sha256(data).hexdigest()
        photo.telegram_file_id = telegram_file_id
        photo.uploaded_at = utcnow()
        screen = await profile.advance(session, user, row, state, "photo")
        await uow.commit()
    return screen
