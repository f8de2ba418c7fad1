"""Imports from the shell: `python -m core.review.cli KIND FILE [--plan 计划编号]` or `template KIND FILE`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from core.db import Database
from core.db.migrate import upgrade
from core.errors import DomainError
from core.review.cli_imports import RUNNERS, CliImport
from core.review.import_templates import KINDS, build_template
from core.settings import Settings, SettingsError
from core.texts import t


async def run_import(settings: Settings, job: CliImport) -> str:
    """Import one file in one transaction, as the bot does; the audit log names no staff actor."""
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
        async with db.uow() as uow:
            text = await RUNNERS[job.kind](uow.session, job, settings)
            await uow.commit()
        return text
    finally:
        await db.dispose()


def _settings(database_url: str | None) -> Settings:
    from dotenv import dotenv_values

    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    if database_url:
        values["DATABASE_URL"] = database_url
    return Settings.from_env(values)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.review.cli", description=t("staff.cli.description"))
    parser.add_argument("kind", choices=(*RUNNERS, "template"))
    parser.add_argument("file", type=Path, help=t("staff.cli.file_help"))
    parser.add_argument("out", type=Path, nargs="?", help=t("staff.cli.out_help"))
    parser.add_argument("--plan", default=None, help=t("staff.cli.plan_help"))
    parser.add_argument("--replace-open", action="store_true", help=t("staff.cli.replace_help"))
    parser.add_argument("--database-url", default=None)
    return parser


def _write_template(kind: str, out: Path | None) -> int:
    if kind not in KINDS or out is None:
        print(t("staff.cli.template_usage", kinds="、".join(KINDS)), file=sys.stderr)
        return 2
    template = build_template(kind)
    out.write_bytes(template.data)
    print(t("staff.cli.template_written", path=out))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, import, and print the outcome or every problem; exit 1 when nothing was applied."""
    args = _parser().parse_args(argv)
    if args.kind == "template":
        return _write_template(str(args.file), args.out)
    try:
        settings = _settings(args.database_url)
    except SettingsError as error:
        print(f"配置错误 / configuration error: {error}", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(t("staff.cli.no_file", path=args.file), file=sys.stderr)
        return 2
    job = CliImport(args.kind, args.file.read_bytes(), args.file.name, args.plan, args.replace_open)
    try:
        text = asyncio.run(run_import(settings, job))
    except DomainError as error:
        print(t(error.key, **error.params), file=sys.stderr)
        return 1
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
