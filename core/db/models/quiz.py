"""The question bank, each plan's blueprint, and attempts with their drawn questions and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class BankQuestion(Base):
    """A question of a plan's bank; `answer` holds indices into `options` as imported.

    Questions without a plan were imported before banks were per plan; they serve plans without a bank.
    """

    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    # 单选题 | 多选题 | 判断题 (core.rules.QuestionType values)
    type: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(64))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[list[int]] = mapped_column(JSON)
    points: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlueprintEntry(Base):
    """One line of a plan's paper: so many questions of a type and category, each worth so many points."""

    __tablename__ = "quiz_blueprint_entries"
    __table_args__ = (UniqueConstraint("plan_id", "type", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(64))
    count: Mapped[int]
    points: Mapped[int]


class QuizAttempt(Base):
    """One sitting; the unique (registration, attempt_no) lets only one of two simultaneous starts win."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("registration_id", "attempt_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    attempt_no: Mapped[int]
    started_at: Mapped[datetime]
    deadline: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    # open | submitted | timed_out
    status: Mapped[str] = mapped_column(String(16), default="open")
    score: Mapped[int | None]
    current_index: Mapped[int] = mapped_column(default=0)
    # bumped whenever the question message changes, so an old button or a double tap is recognised
    revision: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[int | None]
    seed: Mapped[int]


class AttemptItem(Base):
    """A drawn question in its place in one attempt, with the option order shown and the answer given."""

    __tablename__ = "quiz_attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="RESTRICT"))
    # option_order[i] is the bank index of the option shown in place i
    option_order: Mapped[list[int]] = mapped_column(JSON)
    points: Mapped[int]
    # the question as shown, kept so a later bank edit never changes a paper already drawn
    type: Mapped[str] = mapped_column(String(8))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[list[int]] = mapped_column(JSON)
    # shown indices: `chosen` is the answer that counts, `draft` the multiple-choice ticks not yet confirmed
    chosen: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    draft: Mapped[list[int]] = mapped_column(JSON, default=list)
