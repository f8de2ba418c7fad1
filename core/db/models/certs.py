"""The examiner database (考评人员信息库), issued e-certificates and requests for a printed copy by post."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Examiner(Base):
    """A qualified examiner: who, for which occupation and which levels they may examine."""

    __tablename__ = "examiners"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="RESTRICT"), unique=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(32))
    institution: Mapped[str] = mapped_column(String(128), default="")
    occupation: Mapped[str] = mapped_column(String(64))
    levels: Mapped[list[str]] = mapped_column(JSON)
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)


class IssuedCertificate(Base):
    """An e-certificate (普通考评员电子证书); the issue data is frozen and the first rendering is kept."""

    __tablename__ = "issued_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id", ondelete="RESTRICT"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str] = mapped_column(String(64))
    occupation: Mapped[str] = mapped_column(String(64))
    levels: Mapped[list[str]] = mapped_column(JSON)
    issued_on: Mapped[date]
    issuer: Mapped[str] = mapped_column(String(128))
    verify_url: Mapped[str] = mapped_column(String(300))
    holder_gender: Mapped[str | None] = mapped_column(String(4))
    valid_until: Mapped[date | None]
    # the PDF as first delivered with the seal, so every later download is the very same document
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailRequest(Base):
    """A request to post a printed certificate (邮寄服务): address as given, then the tracking number."""

    __tablename__ = "mail_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("issued_certificates.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(64))
    mobile: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(6))
    # requested | sent
    status: Mapped[str] = mapped_column(String(16), default="requested")
    tracking_no: Mapped[str | None] = mapped_column(String(40))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    sent_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
