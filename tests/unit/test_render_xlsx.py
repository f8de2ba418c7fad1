"""Spreadsheet export: size, headers, frozen bold header, formula injection, odd values."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from core.render.xlsx import display_width, safe_sheet_title, write_table

HEADERS = ["证书编号", "姓名", "证件号码", "职业（工种）", "发证日期", "分数"]


def _rows(n: int) -> list[list[object]]:
    return [
        [f"KPY-2026-AAAA-{i:04d}-X", f"考生{i}", "340104********123X", "电工", date(2026, 9, 3), 90 + i % 10]
        for i in range(n)
    ]


def test_ten_thousand_rows_round_trip() -> None:
    data = write_table(HEADERS, iter(_rows(10_000)), "考评人员信息库")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws.title == "考评人员信息库"
    assert ws.max_row == 10_001
    assert [c.value for c in ws[1]] == HEADERS
    assert ws["A1"].font.b is True
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[5001]] == [
        "KPY-2026-AAAA-4999-X",
        "考生4999",
        "340104********123X",
        "电工",
        datetime(2026, 9, 3),
        99,
    ]
    assert ws.column_dimensions["C"].width >= 18


def test_user_text_never_becomes_a_formula() -> None:
    data = write_table(["a", "b"], [["=1+1", '=HYPERLINK("http://evil","x")']], "s")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].data_type == "s"
    for cell in (ws["A2"], ws["B2"]):
        assert cell.quotePrefix and cell.number_format == "@"


def test_every_formula_start_is_written_as_quoted_text_and_other_text_plainly() -> None:
    values = ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "张三"]
    ws = load_workbook(io.BytesIO(write_table(list("abcde"), [values], "s"))).active
    assert ws is not None
    cells = list(ws[2])
    assert [c.value for c in cells] == values and all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, True, False]


def test_odd_values_and_titles() -> None:
    aware = datetime(2026, 9, 3, 1, 0, tzinfo=UTC)
    data = write_table(
        ["x", "y", "z"], [[aware, None, "bad\x01char"], [object.__name__, 1.5, True]], "a/b:c*?[d]" * 5
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws["A2"].value == datetime(2026, 9, 3, 9, 0)  # shown in Asia/Shanghai local time
    assert ws["C2"].value == "badchar"
    assert len(ws.title) <= 31


def test_helpers() -> None:
    assert display_width("姓名ab") == 6
    assert safe_sheet_title("") == "Sheet1"


def test_empty_table() -> None:
    ws = load_workbook(io.BytesIO(write_table(["only"], [], "empty"))).active
    assert ws is not None and ws.max_row == 1
