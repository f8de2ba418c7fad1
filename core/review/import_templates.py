"""Excel templates for every import, generated from the importer's own column definitions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.db import Database
from core.errors import NotFound
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.render.template_xlsx import TemplateColumn, TemplateText, write_template
from core.spreadsheets import Column
from core.texts import has, t

KINDS = ("institutions", "certificates", "plan", "course", "questions", "blueprint", "results")


@dataclass(frozen=True, slots=True)
class ImportTemplate:
    """A template ready to send: its file name and workbook bytes."""

    kind: str
    filename: str
    data: bytes


def _columns() -> dict[str, Callable[[], Sequence[Column]]]:
    """Each kind's importer columns, looked up when asked so no importer is loaded for nothing."""
    from core.offline import exam
    from core.plans import imports as plan_import
    from core.quiz import imports as question_import
    from core.review import institutions, known_certificates
    from core.study import imports as course_import

    return {
        "institutions": lambda: institutions.COLUMNS,
        "certificates": lambda: known_certificates.COLUMNS,
        "plan": lambda: plan_import.COLUMNS,
        "course": lambda: course_import.COLUMNS,
        "questions": lambda: question_import.COLUMNS,
        "blueprint": lambda: question_import.BLUEPRINT_COLUMNS,
        "results": lambda: exam.COLUMNS,
    }


def importer_columns(kind: str) -> Sequence[Column]:
    """The columns the importer of `kind` reads, the one source of the template's headers and rules."""
    return _columns()[kind]()


def template_columns(kind: str) -> list[TemplateColumn]:
    """The template's columns: importer header, whether required, the catalogue's rule and any example."""
    return [
        TemplateColumn(
            header=column.header,
            required=column.required,
            rule=t(f"templates.{kind}.{column.key}_rule"),
            example=t(example) if has(example := f"templates.{kind}.{column.key}_example") else "",
        )
        for column in importer_columns(kind)
    ]


def build_template(kind: str) -> ImportTemplate:
    """The template workbook for one kind of import; the example row imports as it is."""
    if kind not in KINDS:
        raise KeyError(kind)
    title = t(f"templates.{kind}.title")
    text = TemplateText(
        data_title=title,
        guide_title=t("templates.guide_title"),
        note=t("templates.note", title=title, extra=t(f"templates.{kind}.note")),
        guide_headers=(
            t("templates.guide_column"),
            t("templates.guide_required"),
            t("templates.guide_rule"),
            t("templates.guide_example"),
        ),
        required_mark=t("templates.required"),
        optional_mark=t("templates.optional"),
    )
    data = write_template(template_columns(kind), text)
    return ImportTemplate(kind, t("templates.filename", title=title), data)


async def check_staff(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Refuse the template list to anyone but staff."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)


async def download_template(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], kind: str
) -> ImportTemplate:
    """A template for staff only; an unknown kind (a forged button) is refused as not found."""
    await check_staff(db, who, staff_ids)
    if kind not in KINDS:
        raise NotFound("templates.unknown_kind")
    return build_template(kind)
