"""Every table; import this package so Alembic and the services see the whole schema."""

from core.db.models.base import Base, utcnow
from core.db.models.candidates import Certificate, Photo, Profile, Proof, Registration
from core.db.models.certs import Examiner, IssuedCertificate, MailRequest
from core.db.models.dialogs import Dialog, ProcessedUpdate
from core.db.models.institutions import Institution
from core.db.models.notices import Notice, NoticePreference, OutboxMessage, SendBudget
from core.db.models.offline import BatchAssignment, ExamResult
from core.db.models.people import StaffMember, User
from core.db.models.plans import Batch, Plan
from core.db.models.privacy import Consent, ErasureRequest, RetentionRun
from core.db.models.quiz import AttemptItem, BankQuestion, BlueprintEntry, QuizAttempt
from core.db.models.seals import Seal
from core.db.models.staff import AuditEntry, Invitation, KnownCertificate, Liaison
from core.db.models.study import CourseModule, StudySession

__all__ = [
    "AttemptItem",
    "AuditEntry",
    "BankQuestion",
    "Base",
    "Batch",
    "BatchAssignment",
    "BlueprintEntry",
    "Certificate",
    "Consent",
    "CourseModule",
    "Dialog",
    "ErasureRequest",
    "ExamResult",
    "Examiner",
    "Institution",
    "Invitation",
    "IssuedCertificate",
    "KnownCertificate",
    "Liaison",
    "MailRequest",
    "Notice",
    "NoticePreference",
    "OutboxMessage",
    "Photo",
    "Plan",
    "ProcessedUpdate",
    "Profile",
    "Proof",
    "QuizAttempt",
    "Registration",
    "RetentionRun",
    "Seal",
    "SendBudget",
    "StaffMember",
    "StudySession",
    "User",
    "utcnow",
]
