"""Exam plans (考评计划) with their own dates, and the batches (批次) inside them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Plan(Base):
    """One year's programme: windows are local dates, closing at the end of the last day."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    registration_start: Mapped[date]
    registration_end: Mapped[date]
    study_start: Mapped[date]
    study_end: Mapped[date]
    # the offline training period (线下培训), announced later, so optional
    training_start: Mapped[date | None]
    training_end: Mapped[date | None]
    required_study_minutes: Mapped[int] = mapped_column(default=180)
    max_quiz_attempts: Mapped[int] = mapped_column(default=2)
    pass_score: Mapped[int] = mapped_column(default=90)
    quiz_time_limit_minutes: Mapped[int] = mapped_column(default=60)
    # years an e-certificate of this plan is valid; None: no validity period is printed
    certificate_valid_years: Mapped[int | None]
    # draft | published | closed (early, by staff) | archived (kept with its records, listed nowhere)
    status: Mapped[str] = mapped_column(String(16), default="published")
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Batch(Base):
    """A batch (批次) of a plan; offline training days are batches with a date, place and capacity."""

    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    day: Mapped[date | None]
    start_time: Mapped[str | None] = mapped_column(String(5))
    place: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
