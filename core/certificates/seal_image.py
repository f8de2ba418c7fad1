"""Checks on an uploaded seal image: a real PNG, a sensible size, and a transparent background."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from core.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 150, 3000
MAX_ASPECT = 1.5  # seals are round or square; a wide strip is not one
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_CLEAR_SHARE = 0.15  # at least this share of pixels must be see-through, or it would cover the text
MIN_INK_SHARE = 0.02  # and this share opaque, or nothing would show


def check_declared_size(size: int | None) -> None:
    """Refuse a seal image by the size Telegram declares, before it is downloaded."""
    if size is not None and size > MAX_BYTES:
        raise InvalidInput("documents.seal.too_big", size=f"{size / 1024 / 1024:.1f}")


@dataclass(frozen=True, slots=True)
class SealImage:
    """A checked seal, re-encoded as a plain RGBA PNG (no metadata) with its fingerprint."""

    png: bytes
    width: int
    height: int
    sha256: str


def check_seal(data: bytes) -> SealImage:
    """Refuse anything but a PNG seal with transparency, judged by content rather than file name."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("documents.seal.too_big", size=f"{len(data) / 1024 / 1024:.1f}")
    if not data.startswith(PNG_SIGNATURE):
        raise InvalidInput("documents.seal.not_png")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as original:
            if original.format != "PNG":
                raise InvalidInput("documents.seal.not_png")
            width, height = original.size
            if not (MIN_SIDE <= min(width, height) and max(width, height) <= MAX_SIDE):
                raise InvalidInput("documents.seal.bad_size", width=width, height=height)
            if max(width, height) / min(width, height) > MAX_ASPECT:
                raise InvalidInput("documents.seal.bad_size", width=width, height=height)
            has_alpha = original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info
            if not has_alpha:
                raise InvalidInput("documents.seal.no_alpha")
            rgba = original.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise InvalidInput("documents.seal.not_png") from None
    histogram = rgba.getchannel("A").histogram()
    pixels = width * height
    if sum(histogram[:32]) < MIN_CLEAR_SHARE * pixels:
        raise InvalidInput("documents.seal.no_alpha")
    if sum(histogram[200:]) < MIN_INK_SHARE * pixels:
        raise InvalidInput("documents.seal.empty")
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    png = out.getvalue()
    return SealImage(png, width, height, hashlib.sha256(png).hexdigest())


def preview_png(seal: bytes) -> bytes:
    """The seal on white paper, as staff will see it printed."""
    with Image.open(io.BytesIO(seal)) as image:
        rgba = image.convert("RGBA")
    paper = Image.new("RGB", (rgba.width + 40, rgba.height + 40), (255, 255, 255))
    paper.paste(rgba, (20, 20), mask=rgba.getchannel("A"))
    out = io.BytesIO()
    paper.save(out, format="PNG")
    return out.getvalue()
