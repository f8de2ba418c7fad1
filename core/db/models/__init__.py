"""Every table; import this package so Alembic and the services see the whole schema."""

from core.db.models.base import Base, utcnow
from core.db.models.dialogs import Dialog, ProcessedUpdate
from core.db.models.institutions import Institution
from core.db.models.people import StaffMember, User
from core.db.models.plans import Batch, Plan

__all__ = [
    "Base",
    "Batch",
    "Dialog",
    "Institution",
    "Plan",
    "ProcessedUpdate",
    "StaffMember",
    "User",
    "utcnow",
]
