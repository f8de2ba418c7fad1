"""Seal images for tests: a good one (red ring on a transparent background) and the usual wrong ones."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from core.certificates import seals
from core.db import Database
from tests.e2e.offline_factories import STAFF, STAFF_IDS


def seal_png(side: int = 400, colour: tuple[int, int, int] = (200, 20, 20)) -> bytes:
    """A round red seal with a star, everything else transparent."""
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, side - 10, side - 10), outline=(*colour, 235), width=side // 20)
    draw.regular_polygon((side // 2, side // 2, side // 6), 5, fill=(*colour, 235))
    return _png(image)


def white_background_png(side: int = 400) -> bytes:
    """The same seal drawn on white: no transparency, it would cover the text."""
    image = Image.new("RGB", (side, side), (255, 255, 255))
    ImageDraw.Draw(image).ellipse((10, 10, side - 10, side - 10), outline=(200, 20, 20), width=20)
    return _png(image)


def blank_png(side: int = 400) -> bytes:
    """Transparent everywhere: nothing would be printed."""
    return _png(Image.new("RGBA", (side, side), (0, 0, 0, 0)))


def strip_png() -> bytes:
    """A wide banner, not a seal."""
    image = Image.new("RGBA", (900, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 300, 200), fill=(200, 20, 20, 255))
    return _png(image)


def jpeg_bytes(side: int = 400) -> bytes:
    """A JPEG, whatever its file is called."""
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 20, 20)).save(out, "JPEG")
    return out.getvalue()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def put_seal_in_use(db: Database, png: bytes | None = None) -> int:
    """Staff upload a seal and confirm the preview, as the /seal dialog does."""
    await seals.start_upload(db, STAFF, STAFF_IDS)
    preview = await seals.receive(db, STAFF, STAFF_IDS, png or seal_png())
    await seals.confirm(db, STAFF, STAFF_IDS, preview.seal_id)
    return preview.seal_id
