"""Parse a question bank upload (Excel/CSV) into checked questions, or refuse it with every problem listed."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from core.errors import InvalidInput
from core.normalise import clean_text
from core.quiz.scoring import TOTAL_POINTS, Blueprint, BlueprintItem, Question, QuestionType
from core.spreadsheets import Column, Row, RowError, TableInvalid, column_of, duplicates, parse_rows
from core.texts import t

LETTERS = "ABCDEF"
TRUE_WORDS = ("对", "正确", "是", "√", "T", "TRUE", "Y")
FALSE_WORDS = ("错", "错误", "否", "×", "X", "F", "FALSE", "N")
TRUE_FALSE_OPTIONS = ("正确", "错误")
_TYPE_ALIASES = {
    "单选题": QuestionType.SINGLE,
    "单选": QuestionType.SINGLE,
    "单项选择题": QuestionType.SINGLE,
    "多选题": QuestionType.MULTIPLE,
    "多选": QuestionType.MULTIPLE,
    "多项选择题": QuestionType.MULTIPLE,
    "判断题": QuestionType.TRUE_FALSE,
    "判断": QuestionType.TRUE_FALSE,
}
MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    """One bank question as imported: options in file order, answer as indices into them."""

    code: str
    type: QuestionType
    category: str
    stem: str
    options: tuple[str, ...]
    answer: tuple[int, ...]
    points: int


def _question_type(raw: str) -> QuestionType:
    found = _TYPE_ALIASES.get(raw.replace(" ", ""))
    if found is None:
        raise InvalidInput("quiz.import.bad_type", value=raw[:20])
    return found


def _points(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 100:
        raise InvalidInput("quiz.import.bad_points", value=raw[:10])
    return value


def _limited(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise InvalidInput("quiz.import.too_long", limit=limit)
        return raw

    return parse


COLUMNS: tuple[Column, ...] = (
    Column("code", ("题号", "编号", "试题编号"), True, _limited(32)),
    Column("type", ("题型", "类型"), True, _question_type),
    Column("category", ("分类", "类别", "知识点"), True, _limited(64)),
    Column("stem", ("题干", "题目", "试题内容"), True, _limited(1000)),
    *(Column(f"option_{letter}", (f"选项{letter}", letter), False, _limited(300)) for letter in LETTERS),
    Column("answer", ("答案", "正确答案", "标准答案"), True, str),
    Column("points", ("分值", "分数"), True, _points),
)


def _answer(record: dict[str, object], qtype: QuestionType, options: tuple[str, ...]) -> tuple[int, ...]:
    raw = str(record["answer"]).strip().upper()
    if qtype is QuestionType.TRUE_FALSE:
        if raw in TRUE_WORDS or raw == "A":
            return (0,)
        if raw in FALSE_WORDS or raw == "B":
            return (1,)
        raise InvalidInput("quiz.import.bad_true_false", value=raw[:10])
    letters = re.sub(r"[\s,，、;；]", "", raw)
    if not letters or any(c not in LETTERS for c in letters) or len(set(letters)) != len(letters):
        raise InvalidInput("quiz.import.bad_letters", value=raw[:10])
    indices = tuple(sorted(LETTERS.index(c) for c in letters))
    if indices[-1] >= len(options):
        raise InvalidInput("quiz.import.answer_not_an_option", value=raw[:10], count=len(options))
    if qtype is QuestionType.SINGLE and len(indices) != 1:
        raise InvalidInput("quiz.import.single_needs_one", value=raw[:10])
    if qtype is QuestionType.MULTIPLE and len(indices) < 2:
        raise InvalidInput("quiz.import.multiple_needs_two", value=raw[:10])
    return indices


def _options(record: dict[str, object], qtype: QuestionType) -> tuple[str, ...]:
    if qtype is QuestionType.TRUE_FALSE:
        return TRUE_FALSE_OPTIONS
    cells = [record.get(f"option_{letter}") for letter in LETTERS]
    last = max((i for i, c in enumerate(cells) if c), default=-1)
    gap = next((i for i, c in enumerate(cells[: last + 1]) if not c), None)
    if gap is not None:
        raise _CellProblem(f"option_{LETTERS[gap]}", InvalidInput("quiz.import.option_gap"))
    if last + 1 < 2:
        raise _CellProblem(f"option_{LETTERS[last + 1]}", InvalidInput("quiz.import.too_few_options"))
    return tuple(str(c) for c in cells[: last + 1])


class _CellProblem(Exception):
    """A row's problem and the column it sits in."""

    def __init__(self, column: str, error: InvalidInput) -> None:
        super().__init__(column)
        self.column, self.error = column, error


def _question(row: Row) -> ParsedQuestion:
    qtype = row["type"]
    assert isinstance(qtype, QuestionType)
    options = _options(row.values, qtype)
    try:
        answer = _answer(row.values, qtype, options)
    except InvalidInput as error:
        raise _CellProblem("answer", error) from None
    return ParsedQuestion(
        str(row["code"]), qtype, str(row["category"]), str(row["stem"]), options, answer, int(row["points"])
    )


def parse_bank(data: bytes, filename: str) -> list[ParsedQuestion]:
    """Read every row; refuse the whole file if any row is wrong, naming its row, column and problem."""
    rows, errors = parse_rows(data, filename, COLUMNS, max_rows=5000)
    errors += duplicates(rows, column_of(COLUMNS, "code"), lambda r: r["code"])
    parsed: list[ParsedQuestion] = []
    for row in rows:
        try:
            parsed.append(_question(row))
        except _CellProblem as problem:
            errors.append(
                row.error(column_of(COLUMNS, problem.column), problem.error.key, **problem.error.params)
            )
    if errors:
        raise TableInvalid(errors, "quiz.import.rows_invalid")
    return parsed


@dataclass(frozen=True, slots=True)
class BlueprintLine:
    """One line of an uploaded blueprint and where it came from: a spreadsheet row, or the n-th [[item]]."""

    item: BlueprintItem
    row: int | None = None
    number: int = 0


def parse_blueprint(text: str) -> Blueprint:
    """Read a blueprint from TOML `[[item]]` tables (type, category, count, points)."""
    try:
        items = tomllib.loads(text).get("item", [])
        return Blueprint(
            tuple(
                BlueprintItem(
                    _question_type(str(i["type"])),
                    clean_text(str(i["category"])),
                    int(i["count"]),
                    int(i["points"]),
                )
                for i in items
            )
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
        raise InvalidInput("quiz.import.bad_blueprint") from None


def _count(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 200:
        raise InvalidInput("quiz.import.bad_count", value=raw[:10])
    return value


BLUEPRINT_COLUMNS: tuple[Column, ...] = (
    Column("type", ("题型", "类型"), True, _question_type),
    Column("category", ("分类", "类别", "知识点"), True, _limited(64)),
    Column("count", ("题数", "数量", "抽题数"), True, _count),
    Column("points", ("每题分值", "分值"), True, _points),
)


def parse_blueprint_file(data: bytes, filename: str) -> list[BlueprintLine]:
    """Read a blueprint upload: TOML `[[item]]` tables, or a spreadsheet (题型, 分类, 题数, 每题分值)."""
    if filename.lower().endswith(".toml"):
        try:
            items = parse_blueprint(data.decode("utf-8")).items
        except UnicodeDecodeError:
            raise InvalidInput("quiz.import.bad_blueprint") from None
        return [BlueprintLine(item, None, n) for n, item in enumerate(items, start=1)]
    rows, errors = parse_rows(data, filename, BLUEPRINT_COLUMNS, max_rows=200)
    errors += duplicates(rows, column_of(BLUEPRINT_COLUMNS, "category"), lambda r: (r["type"], r["category"]))
    if errors:
        raise TableInvalid(errors, "quiz.import.blueprint_invalid")
    if not rows:
        raise InvalidInput("quiz.import.bad_blueprint")
    return [
        BlueprintLine(BlueprintItem(r["type"], r["category"], r["count"], r["points"]), r.number, n)
        for n, r in enumerate(rows, start=1)
    ]


def _line_problem(line: BlueprintLine, key: str, **params: Any) -> str:
    if line.row is not None:
        return str(RowError(line.row, column_of(BLUEPRINT_COLUMNS, "count").header, t(key, **params)))
    return t("quiz.import.item_problem", number=line.number, message=t(key, **params))


def check_blueprint(
    lines: Sequence[BlueprintLine], bank: Sequence[Question], refusal: str = "quiz.import.blueprint_refused"
) -> Blueprint:
    """Accept a blueprint only if it totals 100 and its bank holds enough of every line's questions."""
    have = Counter((q.type, q.category) for q in bank)
    problems: list[str] = []
    for line in lines:
        item = line.item
        short = item.count - have[(item.type, item.category)]
        if short > 0:
            problems.append(
                _line_problem(
                    line,
                    "quiz.import.line_short",
                    type=item.type.value,
                    category=item.category,
                    have=have[(item.type, item.category)],
                    need=item.count,
                    short=short,
                )
            )
    blueprint = Blueprint(tuple(line.item for line in lines))
    if blueprint.total != TOTAL_POINTS:
        key = "quiz.import.total_over" if blueprint.total > TOTAL_POINTS else "quiz.import.total_under"
        problems.append(t(key, total=blueprint.total, diff=abs(blueprint.total - TOTAL_POINTS)))
    if problems:
        raise InvalidInput(
            refusal,
            count=len(problems),
            details="\n".join(problems[:MAX_ERRORS_SHOWN]),
        )
    return blueprint


def sample_bank() -> list[ParsedQuestion]:
    """The bank shipped for the sandbox and for trying the quiz out."""
    data = resources.files("core.content").joinpath("question_bank.csv").read_bytes()
    return parse_bank(data, "question_bank.csv")


def sample_blueprint() -> Blueprint:
    """The sample paper: 40 questions, 100 points, half on each content area."""
    return parse_blueprint(resources.files("core.content").joinpath("blueprint.toml").read_text("utf-8"))


def blueprint_lines(blueprint: Blueprint) -> Sequence[str]:
    """Describe a blueprint line by line for staff."""
    return [
        t("quiz.blueprint_line", type=i.type.value, category=i.category, count=i.count, points=i.points)
        for i in blueprint.items
    ]
