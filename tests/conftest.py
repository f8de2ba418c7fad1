"""Shared fixtures: the database backend chosen with --db, and a Database per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from core.db import Database
from tests import dbs

# PTB 22 deprecates float retry_after; the bot opts in to timedelta (bot/__main__.py), and so do the tests.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="database backend for service and end-to-end tests",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_backend(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("--db"))


@pytest.fixture(scope="session")
def _migrated(database_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | Path]:
    if database_backend == "postgresql":
        with dbs.postgres_database() as url:
            yield url
    else:
        with dbs.sqlite_template(tmp_path_factory.mktemp("template")) as path:
            yield path


@pytest.fixture
async def database_url(_migrated: str | Path, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database for one test."""
    if isinstance(_migrated, Path):
        yield dbs.sqlite_copy(_migrated, tmp_path)
    else:
        yield _migrated
        await dbs.truncate_all(_migrated)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The Database services take, on this test's database."""
    database = Database(database_url)
    yield database
    await database.dispose()
