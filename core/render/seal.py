"""The centre's seal on a document, or a plain notice instead: nobody takes an unsealed PDF as valid."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.utils import ImageReader

from core.render import typeface
from core.texts import t

PLACEHOLDER_RED = (0.75, 0.15, 0.15)


def draw_seal(canvas: Any, png: bytes | None, x: float, y: float, size: float) -> set[str]:
    """Overlay the seal image in a size-by-size box at (x, y); without a usable one print the placeholder."""
    if png is not None:
        try:
            reader = ImageReader(io.BytesIO(png))
            reader.getSize()
        except Exception:
            reader = None
        if reader is not None:
            canvas.drawImage(reader, x, y, size, size, mask="auto", preserveAspectRatio=True)
            return set()
    return _placeholder(canvas, x, y, size)


def _placeholder(canvas: Any, x: float, y: float, size: float) -> set[str]:
    """A dashed box saying 未加盖印章（样本）: clearly no seal, and nothing that imitates one."""
    canvas.saveState()
    canvas.setStrokeColorRGB(*PLACEHOLDER_RED)
    canvas.setLineWidth(0.8)
    canvas.setDash(3, 2)
    box_h = size * 0.45
    canvas.rect(x, y + (size - box_h) / 2, size, box_h, stroke=1, fill=0)
    canvas.setFillColorRGB(*PLACEHOLDER_RED)
    text = t("render.seal_placeholder")
    font = 11.0
    while typeface.text_width(text, font) > size - 4 and font > 6:
        font -= 0.5
    missing = set(typeface.draw_text(canvas, x + size / 2, y + size / 2 - font / 3, text, font, "centre"))
    canvas.restoreState()
    return missing
