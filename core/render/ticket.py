"""The admission ticket (准考证) candidates print and staff scan or type at check-in."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.render import typeface
from core.render.pdf import RenderResult, draw_photo, finish, labelled_row, new_canvas
from core.render.qr import draw_qr
from core.texts import t

PAGE = A4
PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H = 152 * mm, 192 * mm, 35 * mm, 45 * mm
#: Lower-left corner and side of the ticket-number QR code, in points (tests sample it from a raster).
QR_X, QR_Y, QR_SIZE = 152 * mm, 148 * mm, 35 * mm
ACCENT = (0.55, 0.09, 0.09)


@dataclass(frozen=True, slots=True)
class TicketData:
    """Everything printed on one ticket; times are local (Asia/Shanghai) and the ID is already masked."""

    name: str
    id_number_masked: str
    plan_no: str
    plan_name: str
    batch_name: str
    starts_at: datetime
    place: str
    ticket_no: str
    ends_at: datetime | None = None
    notes: tuple[str, ...] = ()
    photo: bytes | None = None
    exam_title: str = ""  # e.g. 考评员资格考试; printed under the title when given


def format_period(start: datetime, end: datetime | None) -> str:
    """``2026年8月30日 09:00–11:30``; the end date is repeated only if it differs from the start."""
    text = f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}"
    if end is None:
        return text
    if end.date() == start.date():
        return f"{text}–{end:%H:%M}"
    return f"{text} – {end.year}年{end.month}月{end.day}日 {end:%H:%M}"


def _header(canvas: Any, tk: TicketData) -> set[str]:
    w, h = PAGE
    canvas.setFillColorRGB(*ACCENT)
    missing = set(typeface.draw_text(canvas, w / 2, h - 30 * mm, t("render.ticket_title"), 30, "centre"))
    canvas.setFillColorRGB(0, 0, 0)
    if tk.exam_title:
        missing |= typeface.draw_text(canvas, w / 2, h - 40 * mm, tk.exam_title, 14, "centre")
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(20 * mm, h - 45 * mm, w - 20 * mm, h - 45 * mm)
    return missing


def _fields(canvas: Any, tk: TicketData) -> set[str]:
    h = PAGE[1]
    rows = (
        (t("render.ticket_number"), tk.ticket_no),
        (t("render.ticket_name"), tk.name),
        (t("render.ticket_id_number"), tk.id_number_masked),
        (t("render.ticket_plan"), f"{tk.plan_no} {tk.plan_name}"),
        (t("render.ticket_batch"), tk.batch_name),
        (t("render.ticket_time"), format_period(tk.starts_at, tk.ends_at)),
        (t("render.ticket_place"), tk.place),
    )
    missing: set[str] = set()
    y = h - 60 * mm
    value_width = PHOTO_X - 25 * mm - 30 * mm - 5 * mm
    for label, value in rows:
        lines = typeface.wrap(value, 12, value_width) or [""]
        size = 15 if label == t("render.ticket_number") else 12
        missing |= labelled_row(canvas, 25 * mm, y, label, lines[0], size, 30 * mm)
        for extra in lines[1:]:
            y -= 6 * mm
            missing |= typeface.draw_text(canvas, 55 * mm, y, extra, 12)
        y -= 11 * mm
    return missing


def _notes(canvas: Any, tk: TicketData) -> tuple[set[str], list[str]]:
    w = PAGE[0]
    top = 130 * mm
    canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
    canvas.setLineWidth(0.5)
    canvas.line(20 * mm, top + 8 * mm, w - 20 * mm, top + 8 * mm)
    if not tk.notes:
        return set(), []
    missing = set(typeface.draw_text(canvas, 25 * mm, top, t("render.ticket_notes"), 13))
    y = top - 9 * mm
    for number, note in enumerate(tk.notes, start=1):
        lines = typeface.wrap(f"{number}. {note}", 10.5, w - 55 * mm)
        for i, line in enumerate(lines):
            if y < 18 * mm:  # stop at the page edge rather than overflow, and tell the caller
                return missing, [t("render.notes_truncated_warning")]
            missing |= typeface.draw_text(canvas, 27 * mm if i == 0 else 31 * mm, y, line, 10.5)
            y -= 6 * mm
        y -= 1.5 * mm
    return missing, []


def render_ticket_result(tk: TicketData) -> RenderResult:
    """Render the ticket and report placeholder characters and photo problems."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, PAGE, f"{t('render.ticket_title')} {tk.ticket_no}")
    notes_missing, warnings = _notes(canvas, tk)
    missing = _header(canvas, tk) | _fields(canvas, tk) | notes_missing
    warnings += draw_photo(canvas, tk.photo, PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H)
    draw_qr(canvas, tk.ticket_no, QR_X, QR_Y, QR_SIZE)
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    missing |= typeface.draw_text(
        canvas, QR_X + QR_SIZE / 2, QR_Y - 5 * mm, t("render.ticket_qr_hint"), 9, "centre"
    )
    canvas.setFillColorRGB(0, 0, 0)
    return finish(canvas, buffer, missing, warnings)


def render_ticket(tk: TicketData) -> bytes:
    """A4 portrait PDF of the admission ticket; never fails on a bad photo or unusual characters."""
    return render_ticket_result(tk).pdf
