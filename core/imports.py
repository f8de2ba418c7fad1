"""What registry imports have in common: the outcome counts, cell parsers and file-level refusals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import normalise
from core.errors import InvalidInput
from core.people import audit
from core.spreadsheets import RowError, TableInvalid

MAX_IMPORT_ROWS = 20000
MB = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MB  # what the Bot API lets bots download


def check_upload_size(size: int | None, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an import file by the size Telegram declares, before it is downloaded at all."""
    if size is not None and size > limit:
        raise InvalidInput("staff.import.file_too_big", max_mb=limit // MB)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """How an import changed the registry; re-importing the same file gives only `unchanged`."""

    created: int
    updated: int
    unchanged: int
    verified: int = 0

    @property
    def total(self) -> int:
        """Rows applied."""
        return self.created + self.updated + self.unchanged


def clean_text(raw: str, max_len: int) -> str:
    """Normalise a free-text cell (full-width forms, stray spaces) and refuse overlong values."""
    text = " ".join(normalise.clean_text(raw, code=True, multiline=True).split())
    if len(text) > max_len:
        raise InvalidInput("staff.import.too_long", max=max_len)
    return text


def refuse(errors: Sequence[RowError]) -> None:
    """Refuse the whole file when cross-row checks found problems; nothing is applied."""
    if errors:
        raise TableInvalid(errors)


async def update_audited(
    session: AsyncSession,
    row: object,
    wanted: Mapping[str, Any],
    actor_id: int | None,
    action: str,
    subject: str,
) -> bool:
    """Bring a registry row to the imported values, auditing before and after; False when it matched."""
    before = {key: getattr(row, key) for key in wanted}
    if before == dict(wanted):
        return False
    for key, value in wanted.items():
        setattr(row, key, value)
    await audit.record(session, actor_id, action, subject, before=before, after=dict(wanted))
    return True
