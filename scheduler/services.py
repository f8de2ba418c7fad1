"""What scheduled jobs need from the running bot, as a protocol, so scheduler/ imports only core."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.db import Database
from core.settings import Settings

if TYPE_CHECKING:
    from scheduler import ProgrammeScheduler


class Waker(Protocol):
    """The delivery worker, as far as a job that queued outbox rows cares."""

    def wake(self) -> None: ...


class JobServices(Protocol):
    """The process's services a job reads: the database, settings, clock and the scheduler itself."""

    @property
    def db(self) -> Database: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def scheduler(self) -> ProgrammeScheduler | None: ...

    @property
    def delivery(self) -> Waker | None: ...

    @property
    def is_leader(self) -> bool: ...

    def clock(self) -> datetime: ...

    def real_time(self, moment: datetime) -> datetime: ...
