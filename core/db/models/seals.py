"""The centre's seal (电子印章) as staff uploaded it: stored once, printed on certificates and tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Seal(Base):
    """One uploaded seal image; the newest confirmed one is the seal in use."""

    __tablename__ = "seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # set when staff confirmed the preview; until then the seal is not printed
    confirmed_at: Mapped[datetime | None]
