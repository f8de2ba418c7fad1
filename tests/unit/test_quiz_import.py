"""Question bank files: good rows become questions, any bad row refuses the whole file with a reason."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.quiz.imports import parse_bank, sample_bank, sample_blueprint
from core.rules import Question, QuestionType, validate_blueprint
from core.texts import t

HEADER = "题号,题型,分类,题干,选项A,选项B,选项C,选项D,答案,分值\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _refusal(*rows: str) -> str:
    with pytest.raises(InvalidInput) as refused:
        parse_bank(_csv(*rows), "bank.csv")
    return t(refused.value.key, **refused.value.params)


def test_single_multiple_and_true_false_rows_are_read() -> None:
    questions = parse_bank(
        _csv(
            "Q1,单选题,政策,题一,甲,乙,丙,丁,B,2",
            "Q2,多选,方法,题二,甲,乙,丙,,A、C,4",
            "Q3,判断题,政策,题三,,,,,错,2",
        ),
        "bank.csv",
    )
    assert [(q.code, q.type, q.answer, q.points) for q in questions] == [
        ("Q1", QuestionType.SINGLE, (1,), 2),
        ("Q2", QuestionType.MULTIPLE, (0, 2), 4),
        ("Q3", QuestionType.TRUE_FALSE, (1,), 2),
    ]
    assert questions[1].options == ("甲", "乙", "丙") and questions[2].options == ("正确", "错误")


def test_an_answer_that_is_not_an_option_is_refused_with_its_row_and_column() -> None:
    text = _refusal("Q1,单选题,政策,题一,甲,乙,,,C,2")
    assert "第 2 行「答案」" in text and "超出了已填写的 2 个选项" in text and "没有导入任何题目" in text


def test_a_single_choice_with_two_answers_and_a_multiple_with_one_are_refused() -> None:
    text = _refusal("Q1,单选题,政策,题一,甲,乙,,,AB,2", "Q2,多选题,政策,题二,甲,乙,丙,,A,2")
    assert "单选题只能有一个答案" in text and "至少要有两个正确答案" in text and "2 处错误" in text


def test_bad_types_and_points_are_reported_by_row_and_column() -> None:
    text = _refusal("Q1,填空题,政策,题一,甲,乙,,,A,2", "Q2,单选题,政策,题二,甲,乙,,,A,0")
    assert "第 2 行「题型」" in text and "填空题" in text and "第 3 行「分值」" in text


def test_bad_true_false_answers_option_gaps_and_duplicates_are_all_reported() -> None:
    text = _refusal(
        "Q3,判断题,政策,题三,,,,,也许,2",
        "Q4,单选题,政策,题四,甲,,丙,,A,2",
        "Q5,单选题,政策,题五,甲,乙,,,A,2",
        "Q5,单选题,政策,题五,甲,乙,,,A,2",
    )
    assert "第 2 行「答案」：判断题的答案「也许」" in text
    assert "第 3 行「选项B」：选项中间有空缺" in text
    assert "第 5 行「题号」：与第 4 行重复" in text


def test_a_file_without_the_headers_or_not_a_table_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_bank("问题,答案\n1+1,2\n".encode(), "bank.csv")
    assert refused.value.key == "spreadsheets.missing_headers"
    with pytest.raises(InvalidInput):
        parse_bank(b"\x00\x01\x02garbage", "bank.xlsx")


def test_the_sample_bank_fills_the_sample_blueprint_of_100_points() -> None:
    bank = sample_bank()
    blueprint = sample_blueprint()
    assert blueprint.total == 100
    validate_blueprint(
        blueprint,
        [Question(q.code, q.type, q.category, q.stem, q.options, frozenset(q.answer)) for q in bank],
    )
