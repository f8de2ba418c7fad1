"""The examiner e-certificate (普通考评员电子证书): same data, same bytes, so re-downloads match."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from core.render import typeface
from core.render.pdf import RenderResult, draw_photo, finish, labelled_row, new_canvas
from core.render.qr import draw_qr
from core.render.seal import draw_seal
from core.texts import t

PAGE = landscape(A4)
#: Lower-left corner and side of the verification QR code, in points (tests sample it from a raster).
QR_X, QR_Y, QR_SIZE = 30 * mm, 24 * mm, 34 * mm
ACCENT = (0.55, 0.09, 0.09)  # deep red of Chinese official documents
GOLD = (0.72, 0.56, 0.22)


@dataclass(frozen=True, slots=True)
class CertificateData:
    """Everything printed on one certificate; the ID number arrives already masked."""

    holder_name: str
    id_number_masked: str
    occupation: str
    level_scope: tuple[str, ...]
    certificate_no: str
    issue_date: date
    verify_url: str
    issuer: str = "安徽省职业技能鉴定中心"
    photo: bytes | None = None
    #: The issuer's seal (PNG with transparency); absent, 未加盖印章（样本） is printed instead.
    seal_png: bytes | None = None
    gender: str = ""
    #: Last day of validity when the plan sets a validity period; None prints no validity row.
    valid_until: date | None = None


def format_date(d: date) -> str:
    """Chinese long date without leading zeros, e.g. 2026年8月30日."""
    return f"{d.year}年{d.month}月{d.day}日"


def _border(canvas: Any) -> None:
    """Double frame with corner marks: dignified without depending on any image asset."""
    w, h = PAGE
    canvas.saveState()
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(14 * mm, 14 * mm, w - 28 * mm, h - 28 * mm)
    for cx, cy in ((14, 14), (w / mm - 14, 14), (14, h / mm - 14), (w / mm - 14, h / mm - 14)):
        canvas.setFillColorRGB(*ACCENT)
        canvas.circle(cx * mm, cy * mm, 1.6 * mm, stroke=0, fill=1)
    canvas.restoreState()


def _title(canvas: Any) -> set[str]:
    w, h = PAGE
    canvas.setFillColorRGB(*ACCENT)
    missing = set(typeface.draw_text(canvas, w / 2, h - 42 * mm, t("render.certificate_title"), 32, "centre"))
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(1)
    canvas.line(w / 2 - 70 * mm, h - 48 * mm, w / 2 + 70 * mm, h - 48 * mm)
    canvas.setFillColorRGB(0, 0, 0)
    return missing


def _fields(canvas: Any, c: CertificateData) -> set[str]:
    w, h = PAGE
    missing: set[str] = set()
    for i, line in enumerate(typeface.wrap("　　" + t("render.certificate_statement"), 13, w - 90 * mm)):
        missing |= typeface.draw_text(canvas, 45 * mm, h - 62 * mm - i * 7 * mm, line, 13)
    rows = [
        (t("render.certificate_name"), c.holder_name),
        (t("render.certificate_gender"), c.gender),
        (t("render.certificate_id_number"), c.id_number_masked),
        (t("render.certificate_occupation"), c.occupation),
        (t("render.certificate_level_scope"), "、".join(c.level_scope)),
        (t("render.certificate_number"), c.certificate_no),
    ]
    if c.valid_until is not None:
        period = t(
            "render.certificate_valid_until", start=format_date(c.issue_date), end=format_date(c.valid_until)
        )
        rows.append((t("render.certificate_validity"), period))
    y = h - 82 * mm
    for label, value in rows:
        size = 15 if typeface.text_width(value, 15) < 150 * mm else 12
        missing |= labelled_row(canvas, 55 * mm, y, label, value, size, 38 * mm)
        y -= 9.5 * mm
    return missing


def _issuer_block(canvas: Any, c: CertificateData) -> set[str]:
    w, _ = PAGE
    right = w - 40 * mm
    # a seal overlaps the issuer's name; the notice that there is none sits above it
    seal_y = 18 * mm if c.seal_png is not None else 34 * mm
    missing = set(
        typeface.draw_text(
            canvas, right, 42 * mm, f"{t('render.certificate_issuer')}：{c.issuer}", 13, "right"
        )
    )
    date_line = f"{t('render.certificate_issue_date')}：{format_date(c.issue_date)}"
    missing |= typeface.draw_text(canvas, right, 33 * mm, date_line, 13, "right")
    return missing | draw_seal(canvas, c.seal_png, right - 55 * mm, seal_y, 42 * mm)


def _verification(canvas: Any, c: CertificateData) -> set[str]:
    draw_qr(canvas, c.verify_url, QR_X, QR_Y, QR_SIZE)
    text_x = QR_X + QR_SIZE + 5 * mm
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    missing = set(
        typeface.draw_text(canvas, text_x, QR_Y + 22 * mm, t("render.certificate_verify_hint"), 9.5)
    )
    missing |= typeface.draw_text(canvas, text_x, QR_Y + 16 * mm, c.verify_url, 9.5)
    missing |= typeface.draw_text(canvas, text_x, QR_Y + 4 * mm, t("render.certificate_footer"), 8.5)
    canvas.setFillColorRGB(0, 0, 0)
    return missing


def render_certificate_result(c: CertificateData) -> RenderResult:
    """Render the certificate and report characters that had to be drawn as placeholders."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, PAGE, f"{t('render.certificate_title')} {c.certificate_no}")
    _border(canvas)
    missing = _title(canvas) | _fields(canvas, c) | _issuer_block(canvas, c) | _verification(canvas, c)
    warnings: list[str] = []
    if c.photo is not None:
        w, h = PAGE
        warnings = draw_photo(canvas, c.photo, w - 80 * mm, h - 135 * mm, 35 * mm, 45 * mm)
    return finish(canvas, buffer, missing, warnings)


def render_certificate(c: CertificateData) -> bytes:
    """A4 landscape PDF of the certificate; never fails on unusual characters in the data."""
    return render_certificate_result(c).pdf
