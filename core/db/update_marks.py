"""Which Telegram update the running use case serves, so its commit also records that update as applied.

This is the one sanctioned hidden write (named in core/db/__init__.py and docs/CONTRIBUTING.md): deliberate,
for exactly-once handling of redelivered updates; no other write may ride along a commit unseen.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.models import ProcessedUpdate
from core.errors import Conflict


@dataclass(slots=True)
class UpdateMark:
    """One update being handled (id and core.db.redelivery fingerprint): `written` once a commit recorded it,
    `closed` once its handling ended."""

    update_id: int
    fingerprint: str
    written: bool = False
    closed: bool = False

    @property
    def pending(self) -> bool:
        """Tell whether the next commit still has to record the update."""
        return not self.written and not self.closed


CURRENT_UPDATE: ContextVar[UpdateMark | None] = ContextVar("current_update", default=None)


class AlreadyApplied(Conflict):
    """The update was applied before (Telegram redelivered it after a crash): change nothing twice."""

    def __init__(self, update_id: int) -> None:
        super().__init__("common.already_applied", update_id=update_id)


class StampingSession(Session):
    """A session whose every commit, however a service reaches it, records the update being handled."""

    def commit(self) -> None:
        """Flush the use case first (its own errors stay its own), then record the update, then commit."""
        mark = CURRENT_UPDATE.get()
        if mark is None or not mark.pending:
            super().commit()
            return
        self.flush()
        self.add(ProcessedUpdate(update_id=mark.update_id, fingerprint=mark.fingerprint))
        try:
            self.flush()
        except IntegrityError as error:
            raise AlreadyApplied(mark.update_id) from error
        super().commit()
        mark.written = True
