"""Course files: TOML or spreadsheet modules, checked row by row; the sample course totals 180 minutes."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.study.imports import parse_course, sample_course
from core.texts import t


def test_the_sample_course_covers_the_two_content_areas_in_180_minutes() -> None:
    modules = sample_course()
    assert sum(m.minutes for m in modules) == 180
    assert {m.area for m in modules} == {"政策法规与职业道德", "考评要点、方法和技巧"}


def test_a_spreadsheet_course_with_a_document_link_is_read() -> None:
    data = "编号,标题,时长（分钟）,正文,资料名称,资料链接\nM1,单元一,40,正文,讲义,https://example.org/a.pdf\n"
    [module] = parse_course(data.encode(), "course.csv")
    assert (module.code, module.minutes, module.document_url) == ("M1", 40, "https://example.org/a.pdf")


def test_bad_modules_are_all_listed_and_nothing_is_imported() -> None:
    data = (
        b'[[module]]\ncode = "A"\ntitle = ""\nminutes = 30\nbody = "x"\n'
        b'[[module]]\ncode = "B"\ntitle = "t"\nminutes = 0\nbody = "x"\n'
    )
    with pytest.raises(InvalidInput) as refused:
        parse_course(data, "course.toml")
    text = t(refused.value.key, **refused.value.params)
    assert "2 处错误" in text and "标题不能为空" in text and "时长「0」不正确" in text


def test_a_broken_toml_file_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_course(b"[[module]\n", "course.toml")
    assert refused.value.key == "study.import.bad_toml"


def test_invisible_characters_in_a_course_are_refused_by_module_or_row() -> None:
    toml = b'[[module]]\ncode = "A"\ntitle = "t"\nminutes = 30\nbody = "first line\\nsecond\\u0000"\n'
    with pytest.raises(InvalidInput) as refused:
        parse_course(toml, "course.toml")
    assert "U+0000" in t(refused.value.key, **refused.value.params)
    sheet = "编号,标题,时长（分钟）,正文\nM1,单元\u200b一,40,正文\n"
    with pytest.raises(InvalidInput) as refused:
        parse_course(sheet.encode(), "course.csv")
    text = t(refused.value.key, **refused.value.params)
    assert "第 2 行「标题」" in text and "U+200B" in text
    [module] = parse_course('编号,标题,时长（分钟）,正文\nM1,单元一,40,"第一段\n第二段"\n'.encode(), "c.csv")
    assert module.body == "第一段\n第二段"
