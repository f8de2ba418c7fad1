"""Registry import from the shell: `python -m core.staff.cli institutions|certificates FILE`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from core.db import Database
from core.db.migrate import upgrade
from core.errors import DomainError
from core.settings import Settings, SettingsError
from core.staff.imports import ImportReport
from core.staff.institutions import apply_institution_file
from core.staff.known_certificates import apply_certificate_file
from core.texts import t


async def run_import(database_url: str, registry: str, data: bytes, filename: str) -> ImportReport:
    """Import one file in one transaction, as the desk does; the audit log names no staff actor."""
    db = Database(database_url)
    try:
        await upgrade(db.engine)
        async with db.uow() as uow:
            apply = apply_institution_file if registry == "institutions" else apply_certificate_file
            report = await apply(uow.session, data, filename, None)
            await uow.commit()
        return report
    finally:
        await db.dispose()


def _database_url(given: str | None) -> str:
    if given:
        return given
    from dotenv import dotenv_values

    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    return Settings.from_env(values).database_url


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, import, and print the outcome or every problem; exit 1 when nothing was applied."""
    parser = argparse.ArgumentParser(prog="python -m core.staff.cli", description=t("staff.cli.description"))
    parser.add_argument("registry", choices=("institutions", "certificates"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    try:
        url = _database_url(args.database_url)
    except SettingsError as error:
        print(f"配置错误 / configuration error: {error}", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(t("staff.cli.no_file", path=args.file), file=sys.stderr)
        return 2
    try:
        report = asyncio.run(run_import(url, args.registry, args.file.read_bytes(), args.file.name))
    except DomainError as error:
        print(t(error.key, **error.params), file=sys.stderr)
        return 1
    text = t(
        "staff.import.done",
        registry=t(f"staff.import.registry_{args.registry}"),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    if args.registry == "certificates":
        text += t("staff.import.verified", verified=report.verified)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
