"""Shared PDF plumbing: deterministic canvases, photos, and the result type carrying warnings."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from core.render import typeface
from core.texts import t

#: Photos are re-encoded at about 300 dpi for a 35x45 mm box: sharp in print, small in the PDF.
PHOTO_MAX_PX = (420, 540)
PHOTO_MAX_PIXELS = 40_000_000


@dataclass(frozen=True, slots=True)
class RenderResult:
    """The PDF plus what the caller should tell staff: characters shown as placeholders, other warnings."""

    pdf: bytes
    missing_glyphs: frozenset[str]
    warnings: tuple[str, ...]


def new_canvas(buffer: io.BytesIO, pagesize: tuple[float, float], title: str) -> Any:
    """A canvas that writes byte-identical output for identical input (fixed dates, fixed document ID)."""
    canvas = Canvas(
        buffer,
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        initialFontName=typeface.primary_font(),
        initialFontSize=12,
    )
    canvas.setTitle(title)
    canvas.setCreator("examiner-bot")
    canvas.setProducer("examiner-bot")
    canvas.setAuthor("")
    return canvas


def finish(canvas: Any, buffer: io.BytesIO, missing: Iterable[str], warnings: Iterable[str]) -> RenderResult:
    """Close the canvas and build the result, turning missing glyphs into a readable warning."""
    canvas.showPage()
    canvas.save()
    gone = frozenset(missing)
    notes = list(warnings)
    if gone:
        notes.insert(0, t("render.font_missing_warning", chars=" ".join(sorted(gone))))
    return RenderResult(buffer.getvalue(), gone, tuple(notes))


def prepare_photo(data: bytes) -> ImageReader | None:
    """Decode, orient, downscale and re-encode a photo as JPEG; None if the bytes are not a usable image."""
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.width * original.height > PHOTO_MAX_PIXELS:
                return None
            image = ImageOps.exif_transpose(original)
            image.thumbnail(PHOTO_MAX_PX, Image.Resampling.LANCZOS)
            if image.mode != "RGB":
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=88, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    out.seek(0)
    return ImageReader(out)


def draw_photo(canvas: Any, data: bytes | None, x: float, y: float, w: float, h: float) -> list[str]:
    """Fit the photo inside the box (never cropping a face); a labelled empty box if absent or unreadable."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.55, 0.55, 0.55)
    canvas.setLineWidth(0.6)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    canvas.restoreState()
    reader = prepare_photo(data) if data is not None else None
    if reader is None:
        canvas.setFillColorRGB(0.55, 0.55, 0.55)
        typeface.draw_text(canvas, x + w / 2, y + h / 2 - 4, t("render.ticket_photo_box"), 11, "centre")
        canvas.setFillColorRGB(0, 0, 0)
        return [t("render.photo_unreadable_warning")] if data is not None else []
    iw, ih = reader.getSize()
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    canvas.drawImage(reader, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh)
    return []


def labelled_row(
    canvas: Any, x: float, y: float, label: str, value: str, size: float, gap: float
) -> set[str]:
    """Draw ``label  value`` with the label in grey, returning placeholder characters."""
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    missing = set(typeface.draw_text(canvas, x, y, label, size))
    canvas.setFillColorRGB(0, 0, 0)
    missing |= typeface.draw_text(canvas, x + gap, y, value, size)
    return missing
