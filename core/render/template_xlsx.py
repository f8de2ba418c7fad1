"""Import templates as .xlsx: a data sheet (header, example row) and a 说明 sheet with every rule."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from core.render.xlsx import display_width, safe_sheet_title

MIN_WIDTH, MAX_WIDTH = 10.0, 50.0


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """One column of a template: its header as the importer reads it, whether a must, its rule and example."""

    header: str
    required: bool
    rule: str
    example: str


@dataclass(frozen=True, slots=True)
class TemplateText:
    """The words around the columns: sheet names, the note above the rules, the rule sheet's headers."""

    data_title: str
    guide_title: str
    note: str
    guide_headers: tuple[str, str, str, str]
    required_mark: str
    optional_mark: str


def _width(*texts: str) -> float:
    return min(MAX_WIDTH, max(MIN_WIDTH, *(display_width(t) + 2 for t in texts)))


def write_template(columns: Sequence[TemplateColumn], text: TemplateText) -> bytes:
    """Build the workbook; every cell is text, so Excel keeps long numbers and leading zeros as typed."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    as_text = workbook.add_format({"num_format": "@"})
    bold = workbook.add_format({"bold": True, "num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top", "num_format": "@"})
    data: Any = workbook.add_worksheet(safe_sheet_title(text.data_title))
    for col, column in enumerate(columns):
        header = column.header + ("*" if column.required else "")
        data.set_column(col, col, _width(header, column.example), as_text)
        data.write_string(0, col, header, bold)
        if column.example:
            data.write_string(1, col, column.example, as_text)
    data.freeze_panes(1, 0)
    guide: Any = workbook.add_worksheet(safe_sheet_title(text.guide_title))
    guide.set_column(0, 0, 18)
    guide.set_column(1, 1, 8)
    guide.set_column(2, 2, 70, wrap)
    guide.set_column(3, 3, 30, wrap)
    guide.write_string(0, 0, text.note, wrap)
    for col, header in enumerate(text.guide_headers):
        guide.write_string(2, col, header, bold)
    for row, column in enumerate(columns, start=3):
        mark = text.required_mark if column.required else text.optional_mark
        for col, value in enumerate((column.header, mark, column.rule, column.example)):
            guide.write_string(row, col, value, wrap)
    workbook.close()
    return out.getvalue()
