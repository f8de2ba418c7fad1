"""A small real JPEG portrait for the profile photo step, made once."""

from __future__ import annotations

import functools
import io

from PIL import Image


@functools.cache
def portrait(width: int = 300, height: int = 400) -> bytes:
    """A plain 300x400 JPEG, as a phone would send a passport-style photo."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(out, "JPEG", quality=85)
    return out.getvalue()
