"""Offline training: who sits in which one-day batch with which ticket, their attendance and exam result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class BatchAssignment(Base):
    """A candidate's seat in an offline batch; the admission ticket number is issued with it."""

    __tablename__ = "batch_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="RESTRICT"), index=True)
    # one offline seat per registration: a second assignment is refused, not stacked
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ticket_no: Mapped[str] = mapped_column(String(32), unique=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime | None]
    checked_in_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ExamResult(Base):
    """The qualification exam (考评员资格考试) result of one seat, imported or typed in by staff."""

    __tablename__ = "exam_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("batch_assignments.id", ondelete="CASCADE"), unique=True
    )
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    score: Mapped[int]
    passed: Mapped[bool]
    # import | manual
    source: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
