"""The command-line import applies a valid file once and refuses an invalid one, like the desk."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import BlueprintEntry, Institution
from core.review import cli
from core.review.import_templates import KINDS, importer_columns
from core.spreadsheets import read_rows
from tests.e2e.factories import csv_bytes, institution_rows
from tests.e2e.study_factories import make_plan
from tests.e2e.test_import_templates import seated_and_checked_in
from tests.service.test_quiz import begin, ready

PLAN_NO = "2026120000000019"


async def institutions(db: Database) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(Institution)) or 0


async def test_the_cli_imports_and_a_second_run_changes_nothing(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_bytes(institution_rows()))
    argv = ["institutions", str(path), "--database-url", database_url]
    assert await asyncio.to_thread(cli.main, argv) == 0
    assert "新增 3 条" in capsys.readouterr().out
    assert await asyncio.to_thread(cli.main, argv) == 0
    assert "未变化 3 条" in capsys.readouterr().out
    assert await institutions(db) == 3


async def test_the_cli_reports_bad_rows_and_applies_nothing(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = institution_rows()
    rows[1][4] = "未备案"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    assert await asyncio.to_thread(cli.main, ["institutions", str(path), "--database-url", database_url]) == 1
    err = capsys.readouterr().err
    assert "备案状态" in err and "2" in err
    assert await institutions(db) == 0


async def _run(argv: list[str]) -> int:
    return await asyncio.to_thread(cli.main, argv)


async def test_the_cli_imports_a_plans_bank_and_blueprint_and_names_bad_rows(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_plan(db, with_content=False)
    bank = tmp_path / "题库.csv"
    bank.write_text(
        "题号,题型,分类,题干,答案,分值\n" + "".join(f"Q{n},判断题,政策,题{n},对,10\n" for n in range(10)),
        encoding="utf-8",
    )
    url = ["--database-url", database_url]
    assert await _run(["questions", str(bank), *url]) == 1
    assert "--plan" in capsys.readouterr().err
    assert await _run(["questions", str(bank), "--plan", PLAN_NO, *url]) == 0
    assert "新增 10 题" in capsys.readouterr().out
    paper = tmp_path / "组卷.csv"
    paper.write_text("题型,分类,题数,每题分值\n判断题,政策,12,10\n", encoding="utf-8")
    assert await _run(["blueprint", str(paper), "--plan", PLAN_NO, *url]) == 1
    err = capsys.readouterr().err
    assert "第 2 行「题数」" in err and "少 2 道" in err and "总分为 120 分" in err
    paper.write_text("题型,分类,题数,每题分值\n判断题,政策,10,10\n", encoding="utf-8")
    assert await _run(["blueprint", str(paper), "--plan", PLAN_NO, *url]) == 0
    async with db.uow() as uow:
        assert (await uow.session.scalars(select(BlueprintEntry.count))).all() == [10]


async def test_the_cli_refuses_to_swap_a_bank_under_an_open_attempt_unless_told(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock, _ = await ready(db, 617)
    await begin(db, 617, clock)
    bank = tmp_path / "题库.csv"
    sample = resources.files("core.content").joinpath("question_bank.csv").read_text("utf-8")
    bank.write_text(sample, encoding="utf-8")
    argv = ["questions", str(bank), "--plan", PLAN_NO, "--database-url", database_url]
    assert await _run(argv) == 1
    assert "--replace-open" in capsys.readouterr().err
    assert await _run([*argv, "--replace-open"]) == 0


async def test_the_cli_writes_every_template_and_each_reads_back(tmp_path: Path) -> None:
    for kind in KINDS:
        out = tmp_path / f"{kind}.xlsx"
        assert await _run(["template", kind, str(out)]) == 0
        rows = read_rows(out.read_bytes(), out.name, importer_columns(kind))
        assert len(rows) == 1, kind


async def test_the_cli_records_exam_results_and_names_the_row_of_an_unknown_ticket(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await seated_and_checked_in(db)
    sheet = tmp_path / "成绩.csv"
    sheet.write_text("准考证号,成绩,考试结果\n000019-01-0001-0,95,合格\n000019-01-0002-9,80,合格\n", "utf-8")
    argv = ["results", str(sheet), "--database-url", database_url]
    assert await _run(argv) == 1
    assert "第 3 行「准考证号」" in capsys.readouterr().err
    sheet.write_text("准考证号,成绩,考试结果\n000019-01-0001-0,95,合格\n", "utf-8")
    assert await _run(argv) == 0
    assert "已登记 1 人" in capsys.readouterr().out


async def test_the_cli_creates_plans_and_names_the_column_of_a_reversed_window(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "计划编号,计划名称,考评工种,报名开始日期,报名截止日期,在线学习开始日期,在线学习截止日期\n"
    good = "2020120000000019,2020年考评员培训,电工、焊工,2026-07-30,2026-08-16,2026-07-30,2026-08-27\n"
    reversed_window = "2020120000000020,另一个计划,电工,2026-08-16,2026-07-30,2026-07-30,2026-08-27\n"
    sheet = tmp_path / "计划.csv"
    sheet.write_text(header + good + reversed_window + good, "utf-8")
    argv = ["plan", str(sheet), "--database-url", database_url]
    assert await _run(argv) == 1
    err = capsys.readouterr().err
    assert "第 3 行「报名截止日期」" in err and "第 4 行「计划编号」：与第 2 行重复" in err
    sheet.write_text(header + good, "utf-8")
    assert await _run(argv) == 0
    assert "新增 1 个（2020120000000019）" in capsys.readouterr().out
    assert await _run(argv) == 1
    assert "第 2 行「计划编号」" in capsys.readouterr().err
