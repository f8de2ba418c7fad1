"""The admission ticket (准考证) candidates print and staff scan at check-in, laid out like a printed one."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.render import typeface
from core.render.pdf import RenderResult, draw_photo, finish, new_canvas
from core.render.qr import draw_qr
from core.render.seal import draw_seal
from core.texts import t

PAGE = A4
ACCENT = (0.55, 0.09, 0.09)
LEFT, RIGHT = 18 * mm, PAGE[0] - 18 * mm
LABEL_W, SIDE_W = 28 * mm, 46 * mm
TABLE_TOP = PAGE[1] - 52 * mm
ROW_H = 11.5 * mm
ROWS = 10
TABLE_BOTTOM = TABLE_TOP - ROWS * ROW_H
SIDE_X = RIGHT - SIDE_W
PHOTO_W, PHOTO_H = 35 * mm, 45 * mm
PHOTO_X, PHOTO_Y = SIDE_X + (SIDE_W - PHOTO_W) / 2, TABLE_TOP - 5 * ROW_H + (5 * ROW_H - PHOTO_H) / 2
#: Lower-left corner and side of the ticket-number QR code, in points (tests sample it from a raster).
QR_SIZE = 38 * mm
QR_X, QR_Y = SIDE_X + (SIDE_W - QR_SIZE) / 2, TABLE_BOTTOM + 10 * mm
NOTES_TOP = TABLE_BOTTOM - 7 * mm
NOTES_BOTTOM = 58 * mm
SEAL_SIZE = 38 * mm


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
    issuer: str = ""  # the issuing body, printed at the top and beside the seal
    gender: str = ""
    employer: str = ""  # 工作单位
    occupation: str = ""  # 申报职业
    #: The issuer's seal (PNG with transparency); a placeholder says 未加盖印章（样本） when absent.
    seal_png: bytes | None = None


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
    missing: set[str] = set()
    if tk.issuer:
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        missing |= typeface.draw_text(canvas, w / 2, h - 20 * mm, tk.issuer, 13, "centre")
    canvas.setFillColorRGB(*ACCENT)
    missing |= typeface.draw_text(canvas, w / 2, h - 33 * mm, t("render.ticket_title"), 30, "centre")
    canvas.setFillColorRGB(0, 0, 0)
    subtitle = tk.exam_title or tk.plan_name
    if subtitle:
        missing |= typeface.draw_text(canvas, w / 2, h - 43 * mm, subtitle, 13, "centre")
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(LEFT, h - 47 * mm, RIGHT, h - 47 * mm)
    return missing


def _rows(tk: TicketData) -> tuple[tuple[str, str], ...]:
    return (
        (t("render.ticket_number"), tk.ticket_no),
        (t("render.ticket_name"), tk.name),
        (t("render.ticket_gender"), tk.gender),
        (t("render.ticket_id_number"), tk.id_number_masked),
        (t("render.ticket_employer"), tk.employer),
        (t("render.ticket_occupation"), tk.occupation),
        (t("render.ticket_plan"), f"{tk.plan_no} {tk.plan_name}".strip()),
        (t("render.ticket_batch"), tk.batch_name),
        (t("render.ticket_time"), format_period(tk.starts_at, tk.ends_at)),
        (t("render.ticket_place"), tk.place),
    )


def _grid(canvas: Any) -> None:
    """The table's lines: label column, value column, and the side column for photo and QR code."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.setLineWidth(0.7)
    canvas.rect(LEFT, TABLE_BOTTOM, RIGHT - LEFT, TABLE_TOP - TABLE_BOTTOM)
    canvas.line(LEFT + LABEL_W, TABLE_BOTTOM, LEFT + LABEL_W, TABLE_TOP)
    canvas.line(SIDE_X, TABLE_BOTTOM, SIDE_X, TABLE_TOP)
    canvas.line(SIDE_X, TABLE_TOP - 5 * ROW_H, RIGHT, TABLE_TOP - 5 * ROW_H)
    canvas.setLineWidth(0.4)
    for row in range(1, ROWS):
        y = TABLE_TOP - row * ROW_H
        canvas.line(LEFT, y, SIDE_X, y)
    canvas.restoreState()


def _fields(canvas: Any, tk: TicketData) -> tuple[set[str], list[str]]:
    missing: set[str] = set()
    warnings: list[str] = []
    value_x = LEFT + LABEL_W + 3 * mm
    value_w = SIDE_X - value_x - 2 * mm
    for row, (label, value) in enumerate(_rows(tk)):
        top = TABLE_TOP - row * ROW_H
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        missing |= typeface.draw_text(canvas, LEFT + LABEL_W / 2, top - ROW_H / 2 - 4, label, 11.5, "centre")
        canvas.setFillColorRGB(0, 0, 0)
        size = 14.0 if row == 0 else 12.0
        if typeface.text_width(value, size) <= value_w:
            missing |= typeface.draw_text(canvas, value_x, top - ROW_H / 2 - size / 3, value, size)
            continue
        lines = typeface.wrap(value, 9.5, value_w)
        if len(lines) > 2:
            lines = lines[:2]
            warnings.append(t("render.ticket_value_truncated_warning", label=label.replace("　", "")))
        first = top - ROW_H / 2 + (4 if len(lines) == 2 else -3.2)
        for i, line in enumerate(lines):
            missing |= typeface.draw_text(canvas, value_x, first - i * 11.5, line, 9.5)
    return missing, warnings


def _qr(canvas: Any, tk: TicketData) -> set[str]:
    draw_qr(canvas, tk.ticket_no, QR_X, QR_Y, QR_SIZE)
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    missing = set(
        typeface.draw_text(canvas, QR_X + QR_SIZE / 2, QR_Y - 5 * mm, t("render.ticket_qr_hint"), 9, "centre")
    )
    canvas.setFillColorRGB(0, 0, 0)
    return missing


def _notes(canvas: Any, tk: TicketData) -> tuple[set[str], list[str]]:
    canvas.saveState()
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.setLineWidth(0.7)
    canvas.rect(LEFT, NOTES_BOTTOM, RIGHT - LEFT, NOTES_TOP - NOTES_BOTTOM)
    canvas.restoreState()
    canvas.setFillColorRGB(*ACCENT)
    missing = set(
        typeface.draw_text(canvas, PAGE[0] / 2, NOTES_TOP - 8 * mm, t("render.ticket_notes"), 14, "centre")
    )
    canvas.setFillColorRGB(0, 0, 0)
    y = NOTES_TOP - 16 * mm
    for number, note in enumerate(tk.notes, start=1):
        lines = typeface.wrap(f"{number}. {note}", 10.5, RIGHT - LEFT - 14 * mm)
        for i, line in enumerate(lines):
            if y < NOTES_BOTTOM + 3 * mm:  # stop at the box's edge rather than overflow, and tell the caller
                return missing, [t("render.notes_truncated_warning")]
            missing |= typeface.draw_text(canvas, LEFT + 6 * mm if i == 0 else LEFT + 10 * mm, y, line, 10.5)
            y -= 5.6 * mm
        y -= 1.2 * mm
    return missing, []


def _signature_and_issuer(canvas: Any, tk: TicketData) -> set[str]:
    """The candidate signs on the left; the issuing body and its seal sit on the right."""
    missing = set(typeface.draw_text(canvas, LEFT, 44 * mm, t("render.ticket_pledge"), 10.5))
    label = t("render.ticket_signature")
    missing |= typeface.draw_text(canvas, LEFT, 30 * mm, label, 12)
    start = LEFT + typeface.text_width(label, 12) + 1 * mm
    canvas.setLineWidth(0.6)
    canvas.line(start, 29 * mm, start + 45 * mm, 29 * mm)
    missing |= typeface.draw_text(canvas, LEFT, 19 * mm, t("render.ticket_signature_date"), 12)
    right = RIGHT - 4 * mm
    if tk.issuer:
        missing |= typeface.draw_text(
            canvas, right, 30 * mm, f"{t('render.ticket_issuer')}：{tk.issuer}", 12, "right"
        )
    # a seal overlaps the issuer's name; the notice that there is none sits above it
    seal_y = 11 * mm if tk.seal_png is not None else 25 * mm
    missing |= draw_seal(canvas, tk.seal_png, right - 27 * mm - SEAL_SIZE / 2, seal_y, SEAL_SIZE)
    return missing


def render_ticket_result(tk: TicketData) -> RenderResult:
    """Render the ticket and report placeholder characters, photo problems and cut values."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, PAGE, f"{t('render.ticket_title')} {tk.ticket_no}")
    _grid(canvas)
    field_missing, warnings = _fields(canvas, tk)
    notes_missing, note_warnings = _notes(canvas, tk)
    missing = _header(canvas, tk) | field_missing | notes_missing | _qr(canvas, tk)
    warnings += note_warnings + draw_photo(canvas, tk.photo, PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H)
    missing |= _signature_and_issuer(canvas, tk)
    return finish(canvas, buffer, missing, warnings)


def render_ticket(tk: TicketData) -> bytes:
    """A4 portrait PDF of the admission ticket; never fails on a bad photo or unusual characters."""
    return render_ticket_result(tk).pdf
