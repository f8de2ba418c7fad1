"""Tabular import reads real-world xlsx and csv files and refuses bad ones with every problem listed."""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any

import openpyxl
import pytest

from core.errors import InvalidInput
from core.profile.identity import make_uscc, validate_uscc
from core.spreadsheets import Column, RowError, TableInvalid, read_table
from core.texts import t

COLUMNS = (
    Column("name", ("名称", "机构名称", "单位名称"), True, str),
    Column("uscc", ("统一社会信用代码", "信用代码"), True, validate_uscc),
    Column("type", ("类型", "机构类型"), True, str),
    Column("filing", ("备案状态",), False, str),
    Column("members", ("会员数",), False, int),
)
HEADER = ["名称", "统一社会信用代码", "类型", "备案状态"]
CODE_A = make_uscc("91340100MA2N0ABC1")
CODE_B = make_uscc("51340000MJ0000001")


def xlsx(rows: list[list[Any]], merge: str | None = None) -> bytes:
    """An xlsx file built in memory."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def refusal(data: bytes, filename: str = "机构.xlsx", **kwargs: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        read_table(data, filename, COLUMNS, **kwargs)
    return info.value


def test_an_xlsx_registry_is_read_with_parsed_values_and_blank_rows_skipped() -> None:
    data = xlsx(
        [
            [*HEADER, "会员数"],
            ["国网安徽省电力有限公司", CODE_A, "央企驻皖分支机构", "已备案", 12],
            [None, None, None, None],
            ["安徽省某某行业协会", CODE_B.lower(), "省级行业评价组织", None, None],
        ]
    )
    rows = read_table(data, "机构.xlsx", COLUMNS)
    assert rows == [
        {
            "name": "国网安徽省电力有限公司",
            "uscc": CODE_A,
            "type": "央企驻皖分支机构",
            "filing": "已备案",
            "members": 12,
        },
        {
            "name": "安徽省某某行业协会",
            "uscc": CODE_B,
            "type": "省级行业评价组织",
            "filing": None,
            "members": None,
        },
    ]


def test_headers_are_matched_by_alias_after_a_title_row() -> None:
    data = xlsx([["2024年评价机构名单"], [], ["机构名称", "* 信用代码", "机构类型"], ["甲", CODE_A, "其他"]])
    assert read_table(data, "x.xlsx", COLUMNS) == [
        {"name": "甲", "uscc": CODE_A, "type": "其他", "filing": None, "members": None}
    ]


def test_missing_headers_are_named_in_one_error() -> None:
    error = refusal(xlsx([["名称", "类型"], ["甲", "其他"]]))
    assert error.key == "spreadsheets.missing_headers"
    assert error.params["missing"] == "统一社会信用代码"
    assert "统一社会信用代码" in t(error.key, **error.params)


def test_a_header_given_twice_is_refused() -> None:
    error = refusal(xlsx([["名称", "单位名称", "统一社会信用代码", "类型"]]))
    assert error.key == "spreadsheets.duplicate_header"


def test_merged_cells_are_refused_with_their_range() -> None:
    data = xlsx([HEADER, ["甲", CODE_A, "其他", "已备案"], ["乙", CODE_B, "其他", "已备案"]], merge="C2:C3")
    error = refusal(data)
    assert error.key == "spreadsheets.merged_cells"
    assert error.params["ranges"] == "C2:C3"


def test_every_bad_row_is_reported_with_excel_row_numbers_and_nothing_is_returned() -> None:
    data = xlsx(
        [
            [*HEADER, "会员数"],
            ["甲", CODE_A, "其他", "已备案", 3],
            ["乙", "91340100MA2N0ABC1X", "其他", "已备案", "很多"],
            [None, None, None, None],
            ["丙", None, "其他", None, None],
        ]
    )
    with pytest.raises(TableInvalid) as info:
        read_table(data, "机构.xlsx", COLUMNS)
    errors = info.value.errors
    assert [(e.row_number, e.column) for e in errors] == [
        (3, "统一社会信用代码"),
        (3, "会员数"),
        (5, "统一社会信用代码"),
    ]
    assert "校验不通过" in errors[0].message
    text = t(info.value.key, **info.value.params)
    assert "3 处错误" in text and "第 5 行「统一社会信用代码」" in text


def test_only_the_first_twenty_errors_are_shown_with_a_count_of_the_rest() -> None:
    data = xlsx([HEADER] + [[f"机构{i}", "bad", "其他", "已备案"] for i in range(25)])
    with pytest.raises(TableInvalid) as info:
        read_table(data, "机构.xlsx", COLUMNS)
    assert len(info.value.errors) == 25
    text = t(info.value.key, **info.value.params)
    assert text.count("第 ") == 20
    assert "另有 5 处错误" in text


def test_numbers_and_dates_in_cells_reach_parsers_as_plain_text() -> None:
    columns = (Column("code", ("邮编",), True, str), Column("day", ("日期",), True, str))
    from datetime import datetime

    data = xlsx([["邮编", "日期"], [230001.0, datetime(2020, 7, 1)]])
    assert read_table(data, "a.xlsx", columns) == [{"code": "230001", "day": "2020-07-01"}]


def test_a_csv_with_a_byte_order_mark_is_read_with_line_numbers() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(
        [",".join(HEADER), f"甲,{CODE_A},其他,已备案", "", f"乙,{CODE_A}0,其他,"]
    )
    with pytest.raises(TableInvalid) as info:
        read_table(data, "机构.csv", COLUMNS)
    assert [(e.row_number, e.column) for e in info.value.errors] == [(4, "统一社会信用代码")]


def test_a_gb18030_csv_from_chinese_excel_is_read() -> None:
    data = csv_bytes(
        [",".join(HEADER), f"国网安徽省电力有限公司,{CODE_A},央企驻皖分支机构,已备案"], "gb18030"
    )
    rows = read_table(data, "机构.csv", COLUMNS)
    assert rows[0]["name"] == "国网安徽省电力有限公司"
    assert rows[0]["filing"] == "已备案"


def test_quoted_multiline_csv_cells_keep_the_starting_line_number() -> None:
    data = csv_bytes([",".join(HEADER), '"甲', '公司",bad,其他,已备案'])
    with pytest.raises(TableInvalid) as info:
        read_table(data, "机构.csv", COLUMNS)
    assert info.value.errors == [RowError(2, "统一社会信用代码", info.value.errors[0].message)]


def test_content_not_the_file_name_decides_the_format() -> None:
    data = xlsx([HEADER, ["甲", CODE_A, "其他", "已备案"]])
    assert len(read_table(data, "机构.csv", COLUMNS)) == 1
    text = csv_bytes([",".join(HEADER), f"甲,{CODE_A},其他,已备案"])
    assert len(read_table(text, "机构.xlsx", COLUMNS)) == 1


def test_random_bytes_are_not_a_spreadsheet() -> None:
    noise = random.Random(3).randbytes(4096)
    assert refusal(noise).key == "spreadsheets.not_a_spreadsheet"


def test_a_png_posing_as_xlsx_is_not_a_spreadsheet() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    error = refusal(png, "机构.xlsx")
    assert error.key == "spreadsheets.not_a_spreadsheet"
    assert error.params["filename"] == "机构.xlsx"


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(out.getvalue()).key == "spreadsheets.not_a_spreadsheet"


def test_a_truncated_xlsx_is_not_a_spreadsheet() -> None:
    data = xlsx([HEADER, ["甲", CODE_A, "其他", "已备案"]])
    assert refusal(data[: len(data) // 2]).key == "spreadsheets.not_a_spreadsheet"


def test_old_binary_excel_files_are_asked_to_be_saved_as_xlsx() -> None:
    assert (
        refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "机构.xls").key
        == "spreadsheets.old_excel"
    )


def test_empty_files_are_refused() -> None:
    assert refusal(b"").key == "spreadsheets.empty"
    assert refusal(b"\r\n,,,\r\n", "a.csv").key == "spreadsheets.empty"


def test_a_csv_of_100000_rows_is_refused_as_too_many() -> None:
    line = f"甲,{CODE_A},其他,已备案"
    data = csv_bytes([",".join(HEADER)] + [line] * 100_000)
    error = refusal(data, "机构.csv")
    assert error.key == "spreadsheets.too_many_rows"
    assert error.params["max_rows"] == 20000


def test_too_many_xlsx_rows_are_refused_before_parsing() -> None:
    data = xlsx([HEADER] + [["甲", CODE_A, "其他", "已备案"]] * 60)
    error = refusal(data, max_rows=40)
    assert error.key == "spreadsheets.too_many_rows"


def test_a_table_exactly_at_the_limit_is_accepted() -> None:
    data = xlsx([HEADER] + [["甲", CODE_A, "其他", "已备案"]] * 40)
    assert len(read_table(data, "机构.xlsx", COLUMNS, max_rows=40)) == 40


def test_every_spreadsheet_message_renders() -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("spreadsheets.not_a_spreadsheet", {"filename": "a"}),
        ("spreadsheets.too_many_rows", {"rows": 1, "max_rows": 2}),
        ("spreadsheets.merged_cells", {"ranges": "A1:B2", "count": 1}),
        ("spreadsheets.csv_broken", {"line": 3}),
        ("spreadsheets.too_large", {"filename": "a"}),
        ("spreadsheets.old_excel", {"filename": "a"}),
    ]
    for key, params in cases:
        assert "请" in t(key, **params)


def test_a_formula_cell_is_refused_as_a_formula_by_row_and_column_not_as_empty() -> None:
    data = xlsx([HEADER, ['=CONCAT("国网","安徽")', CODE_A, "央企驻皖分支机构", "=1+1"]])
    with pytest.raises(TableInvalid) as info:
        read_table(data, "机构.xlsx", COLUMNS)
    lines = [str(e) for e in info.value.errors]
    assert len(lines) == 2
    assert lines[0].startswith("第 2 行「名称」：这是公式（=CONCAT(") and "不能为空" not in lines[0]
    assert lines[1].startswith("第 2 行「备案状态」：这是公式（=1+1）")


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x","点我")'])
def test_text_that_a_spreadsheet_would_run_is_refused_in_csv_and_xlsx(cell: str) -> None:
    for data, name in (
        (csv_bytes([",".join(HEADER), f'"{cell.replace(chr(34), chr(34) * 2)}",{CODE_A},类型,']), "机构.csv"),
        (xlsx([HEADER, [cell, CODE_A, "类型"]]), "机构.xlsx"),
    ):
        with pytest.raises(TableInvalid) as info:
            read_table(data, name, COLUMNS)
        (error,) = info.value.errors
        assert error.column == "名称" and error.row_number == 2
        assert "以 =、+、- 或 @ 开头" in error.message or "这是公式" in error.message


def test_plain_signed_numbers_and_a_dash_placeholder_are_not_formulas() -> None:
    rows = read_table(csv_bytes([",".join(HEADER), f"+86 138 1234 5678,{CODE_A},-5,-"]), "机构.csv", COLUMNS)
    assert rows[0]["name"] == "+86 138 1234 5678" and rows[0]["type"] == "-5" and rows[0]["filing"] == "-"
