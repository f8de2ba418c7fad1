"""A candidate's profile (个人信息), photo, registrations (我的报名), certificates and proofs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Profile(Base):
    """The portal's 个人信息, saved field by field as the candidate answers."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    id_type: Mapped[str | None] = mapped_column(String(32))
    # One ID number belongs to one account: unique across profiles.
    id_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(4))
    birth_date: Mapped[date | None]
    education: Mapped[str | None] = mapped_column(String(32))
    mobile: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    postcode: Mapped[str | None] = mapped_column(String(6))
    region: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
    identity_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"))
    work_started_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Photo(Base):
    """The recent bare-headed photo (近期免冠照片); kept as bytes because tickets print it."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mime_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Registration(Base):
    """One candidate's registration for one plan; `version` makes concurrent staff decisions safe."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("user_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    occupation: Mapped[str | None] = mapped_column(String(64))
    # draft | submitted | approved | rejected
    status: Mapped[str] = mapped_column(String(16), default="draft")
    resubmitted: Mapped[bool] = mapped_column(default=False)
    pledge_confirmed: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Certificate(Base):
    """A skill certificate or professional title the registration relies on."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    # skill (职业资格/技能等级) | title (专业技术职务)
    kind: Mapped[str] = mapped_column(String(8))
    field: Mapped[str] = mapped_column(String(64))  # occupation for skill, specialty for title
    level: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(128))
    issued_on: Mapped[date]
    verified: Mapped[bool] = mapped_column(default=False)  # 系统已核验: matches the imported registry
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Proof(Base):
    """An uploaded proof of a certificate; Telegram keeps the bytes, we keep what identifies them."""

    __tablename__ = "proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    telegram_file_id: Mapped[str] = mapped_column(String(256))
    file_name: Mapped[str] = mapped_column(String(128))
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
