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

import xlsxwriter

from core.spreadsheets import FORMULA_STARTS

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SAMPLE_ROWS = 200  # column widths are estimated from the header and this many leading rows
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 cannot hold these
_DATE_FORMATS = {datetime: "yyyy-mm-dd hh:mm:ss", date: "yyyy-mm-dd", time: "hh:mm:ss"}


def display_width(text: str) -> float:
    """Approximate Excel column width of text: CJK and full-width characters count double."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))


def safe_sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ and titles over 31 characters; never let a plan name break an export."""
    cleaned = _BAD_TITLE.sub("_", title).strip("'") or "Sheet1"
    return cleaned[:31]


def _write(ws: Any, row: int, col: int, value: object, formats: dict[type, Any]) -> None:
    """Write one value by its type: text always as a string cell, and one that looks like a formula also
    as Text format with Excel's quote prefix, so editing the cell cannot turn it into one; dates as local."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        local = value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value
        ws.write_datetime(row, col, local, formats[datetime])
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), formats[date])
    elif isinstance(value, time):
        ws.write_datetime(row, col, value, formats[time])
    else:
        text = _ILLEGAL.sub("", str(value))
        ws.write_string(row, col, text, formats[str] if text.startswith(FORMULA_STARTS) else None)


def _text_for_width(value: object) -> str:
    if isinstance(value, datetime):
        return "2026-01-01 00:00:00"
    if isinstance(value, date):
        return "2026-01-01"
    return "" if value is None else str(value)


def write_table(headers: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str) -> bytes:
    """One-sheet .xlsx with a bold, frozen header row; XlsxWriter streams rows, so 10,000+ stay fast."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    ws: Any = workbook.add_worksheet(safe_sheet_title(sheet_title))
    formats: dict[type, Any] = {k: workbook.add_format({"num_format": f}) for k, f in _DATE_FORMATS.items()}
    formats[str] = workbook.add_format({"num_format": "@", "quote_prefix": True})
    iterator = iter(rows)
    sample = list(islice(iterator, SAMPLE_ROWS))
    for index, header in enumerate(headers):
        widest = max(
            [
                display_width(header),
                *(display_width(_text_for_width(r[index])) for r in sample if index < len(r)),
            ]
        )
        ws.set_column(index, index, min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))
    ws.freeze_panes(1, 0)
    bold = workbook.add_format({"bold": True})
    for col, header in enumerate(headers):
        ws.write_string(0, col, _ILLEGAL.sub("", header), bold)
    for row_no, row in enumerate(chain(sample, iterator), start=1):
        for col, value in enumerate(row):
            _write(ws, row_no, col, value, formats)
    workbook.close()
    return out.getvalue()
