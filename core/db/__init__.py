"""Persistence: engine, unit of work, models and migrations.

The one sanctioned hidden write: a unit of work serving a Telegram update also records that update as
applied (`update_marks`, `ProcessedUpdate`) in its own commit, so a redelivered update is applied exactly
once. Services write nothing else they do not spell out.
"""

from core.db.engine import Database, UnitOfWork

__all__ = ["Database", "UnitOfWork"]
