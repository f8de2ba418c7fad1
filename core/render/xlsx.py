"""Streaming spreadsheet export for rosters and the examiner database, safe against formula injection."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain, islice
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SAMPLE_ROWS = 200  # column widths are estimated from the header and this many leading rows
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)


def display_width(text: str) -> float:
    """Approximate Excel column width of text: CJK and full-width characters count double."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))


def safe_sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ and titles over 31 characters; never let a plan name break an export."""
    cleaned = _BAD_TITLE.sub("_", title).strip("'") or "Sheet1"
    return cleaned[:31]


def _cell_value(value: object) -> Any:
    """Excel-ready value: local naive datetimes, exact numbers, text for everything else."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date | time):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _cell(ws: Any, value: object) -> Any:
    """Plain values pass as-is (fast); text openpyxl would turn into a formula is pinned as text."""
    converted = _cell_value(value)
    if isinstance(converted, str) and converted.startswith("="):  # e.g. "=HYPERLINK(...)" typed by a user
        cell = WriteOnlyCell(ws, value=converted)
        cell.data_type = "s"
        return cell
    return converted


def _header_cell(ws: Any, text: str) -> Any:
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    cell.font = _HEADER_FONT
    return cell


def _text_for_width(value: object) -> str:
    if isinstance(value, datetime):
        return "2026-01-01 00:00:00"
    if isinstance(value, date):
        return "2026-01-01"
    return "" if value is None else str(value)


def write_table(headers: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str) -> bytes:
    """One-sheet .xlsx with a bold, frozen header row; streams rows so 10,000+ stay fast and small."""
    workbook = Workbook(write_only=True)
    ws: Any = workbook.create_sheet(safe_sheet_title(sheet_title))
    iterator = iter(rows)
    sample = list(islice(iterator, SAMPLE_ROWS))
    for index, header in enumerate(headers):
        widest = max(
            [
                display_width(header),
                *(display_width(_text_for_width(r[index])) for r in sample if index < len(r)),
            ]
        )
        ws.column_dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, max(MIN_WIDTH, widest + 2))
    ws.freeze_panes = "A2"
    ws.append([_header_cell(ws, h) for h in headers])
    for row in chain(sample, iterator):
        ws.append([_cell(ws, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
