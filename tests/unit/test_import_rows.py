"""Every import error names the row and column staff must fix, including problems across rows."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.quiz.imports import check_blueprint, parse_blueprint_file, sample_bank
from core.rules import Question
from core.spreadsheets import TableInvalid
from core.study.imports import parse_course


def _refusal(call: object) -> str:
    assert callable(call)
    with pytest.raises(InvalidInput) as refused:
        call()
    return str(refused.value.params.get("details", ""))


def test_a_repeated_module_code_names_both_rows() -> None:
    course = "编号,内容板块,标题,时长（分钟）,正文\nM1,政策,单元一,90,正文一\nM1,方法,单元二,90,正文二\n"
    text = _refusal(lambda: parse_course(course.encode(), "课程.csv"))
    assert "第 3 行「编号」：与第 2 行重复" in text


def test_a_bad_module_link_is_named_by_row_and_column() -> None:
    course = "编号,标题,时长（分钟）,正文,资料链接\nM1,单元一,90,正文一,ftp://x\n"
    assert "第 2 行「资料链接」" in _refusal(lambda: parse_course(course.encode(), "课程.csv"))


def test_a_toml_course_problem_names_the_module_by_its_place() -> None:
    module = '[[module]]\ncode="M1"\ntitle="{}"\nminutes=90\nbody="x"\n'
    toml = module.format("一") + module.format("二")
    assert "第 2 个单元（编号「M1」）：编号与第 1 个单元重复" in _refusal(
        lambda: parse_course(toml.encode(), "课程.toml")
    )


def test_a_blueprint_line_repeated_is_refused_by_row() -> None:
    sheet = "题型,分类,题数,每题分值\n单选题,政策,5,10\n单选题,政策,5,10\n"
    with pytest.raises(TableInvalid) as refused:
        parse_blueprint_file(sheet.encode(), "组卷.csv")
    assert "第 3 行「分类」：与第 2 行重复" in refused.value.params["details"]


def test_a_blueprint_line_the_bank_cannot_fill_says_which_line_and_by_how_much() -> None:
    sheet = "题型,分类,题数,每题分值\n单选题,政策法规与职业道德,10,5\n判断题,考评要点、方法和技巧,10,5\n"
    lines = parse_blueprint_file(sheet.encode(), "组卷.csv")
    bank = [
        Question(q.code, q.type, q.category, q.stem, q.options, frozenset(q.answer)) for q in sample_bank()
    ]
    text = _refusal(lambda: check_blueprint(lines, bank))
    assert "第 3 行「题数」：题库中「判断题·考评要点、方法和技巧」只有 6 道，这一行要 10 道，少 4 道" in text
    assert "第 2 行" not in text


def test_a_blueprint_not_totalling_100_says_by_how_much() -> None:
    lines = parse_blueprint_file(
        "题型,分类,题数,每题分值\n单选题,政策法规与职业道德,9,10\n".encode(), "x.csv"
    )
    bank = [
        Question(q.code, q.type, q.category, q.stem, q.options, frozenset(q.answer)) for q in sample_bank()
    ]
    assert "总分为 90 分，比要求的 100 分少 10 分" in _refusal(lambda: check_blueprint(lines, bank))
