"""One QR encoder shared by certificates and tickets, so what is printed is what tests re-generate."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

Matrix = tuple[tuple[bool, ...], ...]


def qr_matrix(data: str) -> Matrix:
    """Module matrix (True = dark) without quiet zone, error correction M, smallest fitting version."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def draw_qr(canvas: Any, data: str, x: float, y: float, size: float) -> Matrix:
    """Draw the QR code as vector squares with (x, y) the lower-left corner; returns the matrix drawn."""
    matrix = qr_matrix(data)
    module = size / len(matrix)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):  # one rectangle per horizontal run of dark modules keeps the PDF small
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(x + start * module, top, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return matrix


def qr_png(data: str, box_size: int = 8, border: int = 4) -> bytes:
    """PNG of the QR code, e.g. for sending the ticket QR as a chat photo."""
    matrix = qr_matrix(data)
    n = len(matrix) + 2 * border
    image = Image.new("1", (n, n), 1)
    pixels: Any = image.load()
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pixels[c + border, r + border] = 0
    image = image.resize((n * box_size, n * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
