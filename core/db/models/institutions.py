"""Skill-evaluation institutions (技能人才评价机构): the only employers the programme accepts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, utcnow


class Institution(Base):
    """A central-enterprise branch, a provincial industry organisation, or one of its member units."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    # central_branch (央企驻皖分支机构) | provincial_org (省级行业评价组织) | member_unit (会员单位)
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"))
    # filed (已备案) | to_be_filed (拟备案)
    filing_status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
