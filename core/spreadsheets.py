"""Validated tabular import: bytes in, parsed rows out, or every problem at once so the file is fixed once."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree

from core.errors import DomainError, InvalidInput
from core.normalise import clean_text
from core.texts import t

MAX_SHOWN_ERRORS = 20
HEADER_SEARCH_ROWS = 10
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# what makes Excel, WPS or LibreOffice read a typed value as a formula (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@")
# a plain signed number (-5, +86 138 1234 5678, -0.5) or a lone dash placeholder: no program evaluates it
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ]*(?:\.[0-9]+)?|-")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


@dataclass(frozen=True, slots=True)
class Column:
    """An expected column: result key, accepted headers, whether present and filled is a must, parser."""

    key: str
    header_aliases: tuple[str, ...]
    required: bool
    parse: Callable[[str], Any]

    @property
    def header(self) -> str:
        """The header shown in messages: the first alias."""
        return self.header_aliases[0]


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell, located as the user sees it: Excel row number or CSV line, and the column header."""

    row_number: int
    column: str
    message: str

    def __str__(self) -> str:
        """One line for the error list shown to staff."""
        return t("spreadsheets.row_error", row=self.row_number, column=self.column, message=self.message)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row as parsed, with the number staff see beside it in Excel (or the CSV line)."""

    number: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def error(self, column: Column, key: str, **params: Any) -> RowError:
        """A problem with one of this row's cells, worded from the catalogue."""
        return RowError(self.number, column.header, t(key, **params))


class TableInvalid(InvalidInput):
    """Some rows failed; nothing may be applied. Holds every error in row order, shows the first 20."""

    def __init__(self, errors: Sequence[RowError], key: str = "spreadsheets.rows_invalid") -> None:
        ordered = sorted(errors, key=lambda e: e.row_number)
        shown = "\n".join(str(e) for e in ordered[:MAX_SHOWN_ERRORS])
        hidden = len(ordered) - MAX_SHOWN_ERRORS
        more = t("spreadsheets.more_errors", count=hidden) if hidden > 0 else ""
        super().__init__(key, count=len(ordered), details=shown, more=more)
        self.errors = ordered


class Formula(str):
    """A cell that holds a formula: its formula text, told apart from a typed value so it is never read as one
    (openpyxl gives a formula's cached result, or None when no program computed it: "empty")."""


def formula_refusal(raw: str) -> str | None:
    """The catalogue key refusing a cell as a formula, or None. Formula cells are refused as such; a text
    cell beginning with = + - or @ is refused too, not stored with the sign removed: a spreadsheet program
    would run it when staff open an export, and stripping it would silently change a name or number that must
    match what is printed. A plain signed number (a phone such as +86 138…, a negative score) runs nothing."""
    if isinstance(raw, Formula):
        return "spreadsheets.cell_formula"
    if raw.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(raw):
        return "spreadsheets.cell_formula_like"
    return None


def column_of(columns: Sequence[Column], key: str) -> Column:
    """The column definition for a result key, to name it in a cross-row error."""
    return next(c for c in columns if c.key == key)


def duplicates(rows: Sequence[Row], column: Column, value: Callable[[Row], object]) -> list[RowError]:
    """Every row repeating an earlier row's value, naming the row it repeats."""
    first: dict[object, int] = {}
    errors: list[RowError] = []
    for row in rows:
        seen = first.setdefault(value(row), row.number)
        if seen != row.number:
            errors.append(row.error(column, "spreadsheets.duplicate_of", row=seen))
    return errors


def _norm_header(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s*＊:：]", "", folded)


def _cell_text(value: Any) -> str:
    """Spreadsheet cell to the text a parser expects: 230000.0 → "230000", midnight datetimes → a date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_cell_text(cell: Any) -> str:
    """A cell as its text, or as a Formula when it holds one (cached result or not)."""
    if getattr(cell, "data_type", None) == "f":
        formula = getattr(cell.value, "text", cell.value)  # an array formula's text
        return Formula(str(formula or ""))
    return _cell_text(cell.value)


def _sheet_path(archive: zipfile.ZipFile) -> str:
    """The part name of the workbook's first sheet, to look for merged cells openpyxl read-only mode hides."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    rid = sheet.get(f"{_NS_REL}id") if sheet is not None else None
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError("first sheet")


def _xlsx_rows(data: bytes, filename: str, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise InvalidInput("spreadsheets.not_a_spreadsheet", filename=filename)
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise InvalidInput("spreadsheets.too_large", filename=filename)
            merged = _MERGE.findall(archive.read(_sheet_path(archive)))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise InvalidInput("spreadsheets.not_a_spreadsheet", filename=filename) from None
    if merged:
        ranges = "、".join(m.decode() for m in merged[:10])
        raise InvalidInput("spreadsheets.merged_cells", ranges=ranges, count=len(merged))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for damaged files
        raise InvalidInput("spreadsheets.not_a_spreadsheet", filename=filename) from None
    try:
        sheet = book.worksheets[0]
        if sheet.max_row is not None and sheet.max_row > max_rows + HEADER_SEARCH_ROWS:
            raise InvalidInput("spreadsheets.too_many_rows", rows=sheet.max_row - 1, max_rows=max_rows)
        for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
            yield number, [_xlsx_cell_text(c) for c in cells]
    finally:
        book.close()


def _decode(data: bytes, filename: str) -> str:
    if b"\x00" in data:
        raise InvalidInput("spreadsheets.not_a_spreadsheet", filename=filename)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
            return text
    raise InvalidInput("spreadsheets.not_a_spreadsheet", filename=filename)


def _csv_rows(data: bytes, filename: str, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data, filename)
    if (
        text.count("\n") > max_rows + HEADER_SEARCH_ROWS
        and sum(1 for line in text.splitlines() if line.strip(" ,\t")) > max_rows + HEADER_SEARCH_ROWS
    ):
        raise InvalidInput("spreadsheets.too_many_rows", rows=text.count("\n"), max_rows=max_rows)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for values in reader:
            yield line, [v.strip() for v in values]
            line = reader.line_num + 1
    except csv.Error:
        raise InvalidInput("spreadsheets.csv_broken", line=line) from None


def _rows(data: bytes, filename: str, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """Pick the reader by content, not by the file name."""
    if not data.strip():
        raise InvalidInput("spreadsheets.empty", filename=filename)
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, filename, max_rows)
    if data.startswith(_OLE_MAGIC):
        raise InvalidInput("spreadsheets.old_excel", filename=filename)
    return _csv_rows(data, filename, max_rows)


def _match_header(cells: list[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[str]]:
    """Map column keys to positions; returns also the required headers not found."""
    normalised = [_norm_header(c) for c in cells]
    found: dict[str, int] = {}
    for column in columns:
        aliases = {_norm_header(a) for a in column.header_aliases}
        hits = [i for i, text in enumerate(normalised) if text and text in aliases]
        if len(hits) > 1:
            raise InvalidInput("spreadsheets.duplicate_header", header=column.header)
        if hits:
            found[column.key] = hits[0]
    missing = [c.header for c in columns if c.required and c.key not in found]
    return found, missing


def read_table(
    data: bytes, filename: str, columns: Sequence[Column], max_rows: int = 20000
) -> list[dict[str, Any]]:
    """Parse a .xlsx or .csv upload into one dict per non-empty row, or raise with every problem found."""
    return [row.values for row in read_rows(data, filename, columns, max_rows)]


def _parse_row(
    number: int, cells: list[str], columns: Sequence[Column], positions: dict[str, int]
) -> Row | list[RowError]:
    """One data row's cells through their parsers: the row, or every cell that failed."""
    record: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in columns:
        at = positions.get(column.key)
        raw = cells[at] if at is not None and at < len(cells) else ""
        refusal = formula_refusal(raw)
        if refusal is not None:
            errors.append(RowError(number, column.header, t(refusal, formula=raw[:40])))
            continue
        if not raw:
            if column.required:
                errors.append(RowError(number, column.header, t("spreadsheets.cell_required")))
            record[column.key] = None
            continue
        try:  # the hygiene step first: an uploaded cell is typed text too
            record[column.key] = column.parse(clean_text(raw, multiline=True))
        except DomainError as exc:
            errors.append(RowError(number, column.header, t(exc.key, **exc.params)))
        except (ValueError, TypeError):
            errors.append(RowError(number, column.header, t("spreadsheets.cell_invalid", value=raw[:40])))
    return errors or Row(number, record)


def read_rows(data: bytes, filename: str, columns: Sequence[Column], max_rows: int = 20000) -> list[Row]:
    """Parse an upload into numbered rows, so checks across rows can name the row and column too."""
    rows, errors = parse_rows(data, filename, columns, max_rows)
    if errors:
        raise TableInvalid(errors)
    return rows


def parse_rows(
    data: bytes, filename: str, columns: Sequence[Column], max_rows: int = 20000
) -> tuple[list[Row], list[RowError]]:
    """The rows whose every cell parsed, and the bad cells, for importers that check more before refusing."""
    rows = _rows(data, filename, max_rows)
    positions: dict[str, int] | None = None
    best: tuple[int, list[str]] = (-1, [c.header for c in columns if c.required])
    result: list[Row] = []
    errors: list[RowError] = []
    data_rows = 0
    seen_any = False
    for number, cells in rows:
        if not any(cells):
            continue
        seen_any = True
        if positions is None:
            found, missing = _match_header(cells, columns)
            if not missing:
                positions = found
            elif number >= HEADER_SEARCH_ROWS:
                break
            elif len(found) > best[0]:
                best = (len(found), missing)
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise InvalidInput("spreadsheets.too_many_rows", rows=f"{max_rows}+", max_rows=max_rows)
        parsed = _parse_row(number, cells, columns, positions)
        if isinstance(parsed, Row):
            result.append(parsed)
        else:
            errors.extend(parsed)
    if not seen_any:
        raise InvalidInput("spreadsheets.empty", filename=filename)
    if positions is None:
        expected = "、".join(c.header for c in columns)
        raise InvalidInput("spreadsheets.missing_headers", missing="、".join(best[1]), expected=expected)
    return result, errors
