"""Notices (scheduled and broadcast), the outbox that delivers them one row per recipient, and mutes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Notice(Base):
    """One announcement: a staff broadcast or a scheduled notice; `key` makes issuing it idempotent."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "broadcast:<uuid>", "reg_close:<plan>:<date>:3", "digest:<date>"
    key: Mapped[str] = mapped_column(String(96), unique=True)
    # broadcast | registration_closing | study_closing | digest | batch_reminder | report
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    document_file_id: Mapped[str | None] = mapped_column(String(256))
    document_name: Mapped[str | None] = mapped_column(String(128))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # issued (rows queued) | skipped (its time passed while the bot was down, or a later stage replaced it)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    deadline: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """One (notice, recipient): recorded once, sent at most once per claim, with its outcome."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("notice_id", "user_id"),
        Index("ix_outbox_status_id", "status", "id"),
        Index("ix_outbox_notice_status", "notice_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # per-recipient text; None means the notice's text
    text: Mapped[str | None] = mapped_column(Text)
    ack_required: Mapped[bool] = mapped_column(default=False)
    # pending | sending | sent | undeliverable
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # while 'sending': which process holds the row, and until when; a lapsed lease means its holder died
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]


class SendBudget(Base):
    """Telegram's overall rate as a token bucket shared by every bot process on one PostgreSQL."""

    __tablename__ = "send_budgets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    tokens: Mapped[float]
    refilled_at: Mapped[datetime]


class NoticePreference(Base):
    """What a user chose to hear: study reminders can be muted, deadline notices cannot."""

    __tablename__ = "notice_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    mute_study: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
