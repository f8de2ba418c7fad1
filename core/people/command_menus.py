"""Which commands each role sees in Telegram's command menu, and who holds a role that needs its own menu."""

from __future__ import annotations

from sqlalchemy import select

from core.db import Database
from core.db.models import Liaison, StaffMember, User
from core.people.users import Role

CANDIDATE_COMMANDS: tuple[str, ...] = ("start", "help", "cancel", "verify", "mute", "unmute")
LIAISON_COMMANDS: tuple[str, ...] = ("start", "roster", "help", "cancel", "verify")
STAFF_COMMANDS: tuple[str, ...] = (
    "start",
    "staff",
    "plans",
    "import_plans",
    "templates",
    "import_course",
    "import_questions",
    "import_blueprint",
    "batch_new",
    "batches",
    "batch_assign",
    "checkin_open",
    "checkin",
    "absent",
    "results_import",
    "result",
    "examiners_export",
    "revoke",
    "mail_pending",
    "mail_sent",
    "broadcast",
    "broadcasts",
    "audit",
    "privacy",
    "review_export",
    "seal",
    "addstaff",
    "removestaff",
    "stafflist",
    "verify",
    "help",
    "cancel",
)
MENUS: dict[Role, tuple[str, ...]] = {
    Role.CANDIDATE: CANDIDATE_COMMANDS,
    Role.LIAISON: LIAISON_COMMANDS,
    Role.STAFF: STAFF_COMMANDS,
}


async def menu_holders(db: Database, staff_ids: frozenset[int]) -> list[tuple[int, Role]]:
    """Every staff member and liaison with the role whose menu their chat should show (staff wins)."""
    async with db.uow() as uow:
        added = set((await uow.session.scalars(select(StaffMember.telegram_id))).all())
        liaisons = set(
            (
                await uow.session.scalars(select(User.telegram_id).join(Liaison, Liaison.user_id == User.id))
            ).all()
        )
    staff = staff_ids | added
    holders = [(tid, Role.STAFF) for tid in sorted(staff)]
    holders += [(tid, Role.LIAISON) for tid in sorted(liaisons - staff)]
    return holders


async def role_menu(db: Database, telegram_id: int, staff_ids: frozenset[int]) -> Role:
    """The menu a chat should show now: staff, liaison, or the candidates' default."""
    for holder, role in await menu_holders(db, staff_ids):
        if holder == telegram_id:
            return role
    return Role.CANDIDATE
