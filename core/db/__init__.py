"""Persistence: engine, unit of work, models and migrations."""

from core.db.engine import Database, UnitOfWork

__all__ = ["Database", "UnitOfWork"]
