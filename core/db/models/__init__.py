"""Every table; import this package so Alembic and the services see the whole schema."""

from core.db.models.base import Base, utcnow
from core.db.models.candidates import Certificate, Photo, Profile, Proof, Registration
from core.db.models.dialogs import Dialog, ProcessedUpdate
from core.db.models.institutions import Institution
from core.db.models.people import StaffMember, User
from core.db.models.plans import Batch, Plan
from core.db.models.staff import AuditEntry, Invitation, KnownCertificate, Liaison

__all__ = [
    "AuditEntry",
    "Base",
    "Batch",
    "Certificate",
    "Dialog",
    "Institution",
    "Invitation",
    "KnownCertificate",
    "Liaison",
    "Photo",
    "Plan",
    "ProcessedUpdate",
    "Profile",
    "Proof",
    "Registration",
    "StaffMember",
    "User",
    "utcnow",
]
