"""The command-line import applies a valid file once and refuses an invalid one, like the desk."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import Institution
from core.staff import cli
from tests.e2e.factories import csv_bytes, institution_rows


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
