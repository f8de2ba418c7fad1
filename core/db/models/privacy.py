"""Consent to the 个人信息处理告知, erasure requests, and retention runs over ended plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Consent(Base):
    """One agreement to one version of the notice: `general`, or `sensitive` for the ID number and photo."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("user_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(32))
    agreed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasureRequest(Base):
    """A person's request to erase their data; staff carry it out (or the person withdraws it)."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # requested | done
    status: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class RetentionRun(Base):
    """A plan whose personal data was deleted after its retention period, with the anonymised counts."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), unique=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
