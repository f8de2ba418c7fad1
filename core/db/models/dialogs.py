"""Conversation state per user, in the database so a restart or another instance resumes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Dialog(Base):
    """Which flow a user is in, at which step, with the flow's scratch data."""

    __tablename__ = "dialogs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Telegram updates already applied, keyed by id and fingerprint (core.db.redelivery): a redelivery after
    a crash changes nothing twice while a new update that happens to reuse an old id is still served."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(32), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
