"""The online course (培训学习): modules staff import, and each candidate's timed study sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class CourseModule(Base):
    """One unit of a plan's course: a title, the minutes it credits, its text and an optional document.

    Modules without a plan were imported before courses were per plan; they serve plans without a course.
    """

    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)
    area: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(128))
    minutes: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    document_name: Mapped[str | None] = mapped_column(String(128))
    document_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StudySession(Base):
    """A module opened by a candidate; `closed_at` and its credit are set when it is finished or left."""

    __tablename__ = "study_sessions"
    __table_args__ = (Index("ix_study_sessions_registration_module", "registration_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # finished (学完了, credited) | switched (another module opened, no credit)
    outcome: Mapped[str | None] = mapped_column(String(16))
    credited_seconds: Mapped[int] = mapped_column(default=0)
