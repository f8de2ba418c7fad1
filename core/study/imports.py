"""Parse a course upload (TOML, Excel or CSV) into modules, or refuse it with every problem listed."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from core.errors import DomainError, InvalidInput
from core.normalise import clean_text
from core.spreadsheets import Column, Row, RowError, TableInvalid, column_of, parse_rows
from core.texts import t

MAX_MODULE_MINUTES = 240


@dataclass(frozen=True, slots=True)
class ParsedModule:
    """One course module as staff described it."""

    code: str
    area: str
    title: str
    minutes: int
    body: str
    document_name: str | None = None
    document_url: str | None = None


def _minutes(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= MAX_MODULE_MINUTES:
        raise InvalidInput("study.import.bad_minutes", value=raw[:10], max=MAX_MODULE_MINUTES)
    return value


COLUMNS: tuple[Column, ...] = (
    Column("code", ("编号", "序号", "单元编号"), True, str),
    Column("area", ("内容板块", "板块", "分类"), False, str),
    Column("title", ("标题", "单元名称", "名称"), True, str),
    Column("minutes", ("时长（分钟）", "时长(分钟)", "时长", "分钟"), True, _minutes),
    Column("body", ("正文", "内容", "学习内容"), True, str),
    Column("document_name", ("资料名称", "附件名称"), False, str),
    Column("document_url", ("资料链接", "附件链接"), False, str),
)


def _problem(record: dict[str, Any], seen: dict[str, int]) -> tuple[str, str, dict[str, Any]] | None:
    """The first thing wrong with one module: its column key, a catalogue key and its parameters."""
    code = str(record.get("code") or "").strip()
    title = str(record.get("title") or "").strip()
    url = str(record.get("document_url") or "")
    if not code or len(code) > 32:
        return "code", "study.import.bad_code", {}
    if code in seen:
        return "code", "spreadsheets.duplicate_of", {"row": seen[code]}
    if not title or len(title) > 128:
        return "title", "study.import.bad_title", {}
    if not str(record.get("body") or "").strip():
        return "body", "study.import.empty_body", {}
    if url and not url.startswith(("http://", "https://")):
        return "document_url", "study.import.bad_url", {}
    minutes = record.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MODULE_MINUTES:
        return "minutes", "study.import.bad_minutes", {"value": str(minutes)[:10], "max": MAX_MODULE_MINUTES}
    return None


def _module(record: dict[str, Any]) -> ParsedModule:
    return ParsedModule(
        code=str(record["code"]).strip(),
        area=str(record.get("area") or "")[:64],
        title=str(record["title"]).strip(),
        minutes=int(record["minutes"]),
        body=str(record["body"]).strip(),
        document_name=(str(record["document_name"])[:128] if record.get("document_name") else None),
        document_url=(str(record["document_url"]) if record.get("document_url") else None),
    )


def _check_rows(rows: list[Row], errors: list[RowError]) -> list[ParsedModule]:
    """Check spreadsheet rows; every problem names its row and column, and any problem refuses the file."""
    seen: dict[str, int] = {}
    modules: list[ParsedModule] = []
    for row in rows:
        problem = _problem(row.values, seen)
        seen.setdefault(str(row["code"] or "").strip(), row.number)
        if problem is not None:
            column, key, params = problem
            errors.append(row.error(column_of(COLUMNS, column), key, **params))
        else:
            modules.append(_module(row.values))
    if errors:
        raise TableInvalid(errors, "study.import.rows_invalid")
    if not modules:
        raise InvalidInput("study.import.empty")
    return modules


def _check_toml(records: list[dict[str, Any]]) -> list[ParsedModule]:
    """Check `[[module]]` tables; a problem names the module's place in the file and its code."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    modules: list[ParsedModule] = []
    for number, raw_record in enumerate(records, start=1):
        code = str(raw_record.get("code") or "").strip()
        try:  # the hygiene step every typed value passes, for TOML strings as for spreadsheet cells
            record = {
                k: clean_text(v, multiline=True) if isinstance(v, str) else v for k, v in raw_record.items()
            }
        except DomainError as refused:
            problems.append(
                t(
                    "study.import.problem",
                    number=number,
                    code=code or "?",
                    message=t(refused.key, **refused.params),
                )
            )
            continue
        problem = _problem(record, seen)
        seen.setdefault(code, number)
        if problem is not None:
            _, key, params = problem
            if key == "spreadsheets.duplicate_of":
                key, params = "study.import.duplicate_module", {"number": params["row"]}
            message = t(key, **params)
            problems.append(t("study.import.problem", number=number, code=code or "?", message=message))
            continue
        modules.append(_module(record))
    if problems:
        raise InvalidInput(
            "study.import.rows_invalid", count=len(problems), details="\n".join(problems[:20]), more=""
        )
    if not modules:
        raise InvalidInput("study.import.empty")
    return modules


def parse_course(data: bytes, filename: str) -> list[ParsedModule]:
    """Read a TOML course (`[[module]]` tables) or a spreadsheet with one row per module."""
    if filename.lower().endswith(".toml"):
        try:
            table = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            raise InvalidInput("study.import.bad_toml", filename=filename) from None
        modules = table.get("module")
        if not isinstance(modules, list) or not all(isinstance(m, dict) for m in modules):
            raise InvalidInput("study.import.bad_toml", filename=filename)
        return _check_toml(modules)
    rows, errors = parse_rows(data, filename, COLUMNS, max_rows=500)
    return _check_rows(rows, errors)


def sample_course() -> list[ParsedModule]:
    """The course shipped for the sandbox: the notice's two content areas, 180 minutes in all."""
    data = resources.files("core.content").joinpath("course.toml").read_bytes()
    return parse_course(data, "course.toml")
