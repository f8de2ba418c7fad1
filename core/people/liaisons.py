"""Deep-link invitations: single-use for liaisons, reusable for an institution's candidates."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Institution, Invitation, Liaison, Profile, Registration, User, utcnow
from core.errors import Conflict, NotAllowed, NotFound
from core.people import audit
from core.people.roles import require_staff
from core.people.users import TelegramIdentity, ensure_user

LIAISON_PREFIX = "inv"
CANDIDATE_PREFIX = "join"
LIAISON_VALIDITY = timedelta(days=7)
CANDIDATE_VALIDITY = timedelta(days=30)
CODE_BYTES = 12  # 24 hex characters


@dataclass(frozen=True, slots=True)
class InvitationCode:
    """A fresh invitation: the deep-link payload and until when it works."""

    payload: str
    institution: str
    kind: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LiaisonBound:
    """The caller became an institution's liaison; the replaced liaison, if any, is to be told."""

    institution_id: int
    institution: str
    replaced_telegram_id: int | None
    already: bool = False


@dataclass(frozen=True, slots=True)
class EmployerSet:
    """A candidate's employer was pre-filled from an institution link."""

    institution: str


def new_code() -> str:
    """An unguessable code from the OS's secure random source."""
    return secrets.token_hex(CODE_BYTES)


async def create_invitation(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    institution_id: int,
    kind: str,
    now: datetime | None = None,
) -> InvitationCode:
    """Staff create a liaison invitation (single use, 7 days) or a candidate link (reusable, 30 days)."""
    if kind not in ("liaison", "candidate"):
        raise NotFound("staff.invite.bad_kind")
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        institution = await uow.session.get(Institution, institution_id)
        if institution is None:
            raise NotFound("staff.institutions.not_found")
        validity = LIAISON_VALIDITY if kind == "liaison" else CANDIDATE_VALIDITY
        invitation = Invitation(
            code=new_code(),
            institution_id=institution.id,
            kind=kind,
            created_by_user_id=actor.user_id,
            expires_at=(now or utcnow()) + validity,
        )
        uow.session.add(invitation)
        await uow.session.flush()
        await audit.record(
            uow.session,
            actor.user_id,
            f"invitation.create_{kind}",
            f"institution:{institution.id}",
            after={"invitation_id": invitation.id, "expires_at": invitation.expires_at.isoformat()},
        )
        await uow.commit()
    prefix = LIAISON_PREFIX if kind == "liaison" else CANDIDATE_PREFIX
    return InvitationCode(f"{prefix}_{invitation.code}", institution.name, kind, invitation.expires_at)


def _code_of(payload: str, prefix: str) -> str:
    head, _, code = payload.partition("_")
    if head != prefix or not code:
        raise NotFound("liaison.invite.unknown")
    return code


async def _usable(session: AsyncSession, code: str, kind: str, now: datetime | None) -> Invitation:
    invitation = await session.scalar(
        select(Invitation).where(Invitation.code == code, Invitation.kind == kind)
    )
    if invitation is None:
        raise NotFound("liaison.invite.unknown")
    if invitation.used_at is not None:
        raise Conflict("liaison.invite.used")
    if invitation.expires_at <= (now or utcnow()):
        raise Conflict("liaison.invite.expired")
    return invitation


async def _open_invitation(
    session: AsyncSession, who: TelegramIdentity, code: str, kind: str, now: datetime | None
) -> tuple[User, Invitation, Institution]:
    """The caller, the usable invitation behind a link and its institution."""
    user = await ensure_user(session, who)
    invitation = await _usable(session, code, kind, now)
    institution = await session.get(Institution, invitation.institution_id)
    assert institution is not None
    return user, invitation, institution


async def accept_liaison_invitation(
    db: Database, who: TelegramIdentity, payload: str, now: datetime | None = None
) -> LiaisonBound:
    """Whoever opens a valid liaison link becomes the institution's liaison, replacing the previous one."""
    code = _code_of(payload, LIAISON_PREFIX)
    async with db.uow() as uow:
        session = uow.session
        user, invitation, institution = await _open_invitation(session, who, code, "liaison", now)
        elsewhere = await session.scalar(
            select(Institution.name)
            .join(Liaison, Liaison.institution_id == Institution.id)
            .where(Liaison.user_id == user.id, Liaison.institution_id != institution.id)
        )
        if elsewhere is not None:
            raise Conflict("liaison.invite.liaison_elsewhere", institution=elsewhere)
        current = await session.scalar(select(Liaison).where(Liaison.institution_id == institution.id))
        invitation.used_at = utcnow()
        invitation.used_by_user_id = user.id
        replaced: int | None = None
        if current is not None and current.user_id == user.id:
            await uow.commit()
            return LiaisonBound(institution.id, institution.name, None, already=True)
        if current is None:
            session.add(Liaison(institution_id=institution.id, user_id=user.id))
            before = None
        else:
            old = await session.get(User, current.user_id)
            replaced = old.telegram_id if old else None
            before = {"liaison_user_id": current.user_id}
            current.user_id = user.id
            current.since = utcnow()
        await audit.record(
            session,
            user.id,
            "liaison.bind",
            f"institution:{institution.id}",
            before=before,
            after={"liaison_user_id": user.id, "invitation_id": invitation.id},
        )
        await uow.commit()
    return LiaisonBound(institution.id, institution.name, replaced)


async def accept_candidate_invitation(
    db: Database, who: TelegramIdentity, payload: str, now: datetime | None = None
) -> EmployerSet:
    """A candidate opening an institution link gets that employer pre-filled in their profile."""
    code = _code_of(payload, CANDIDATE_PREFIX)
    async with db.uow() as uow:
        session = uow.session
        user, invitation, institution = await _open_invitation(session, who, code, "candidate", now)
        profile = await session.scalar(select(Profile).where(Profile.user_id == user.id))
        if profile is not None and profile.institution_id not in (None, institution.id):
            locked = await session.scalar(
                select(Registration.id).where(
                    Registration.user_id == user.id,
                    Registration.status.in_(("submitted", "resubmitted", "approved")),
                )
            )
            if locked is not None:
                raise NotAllowed("liaison.join.locked")
        before = {"institution_id": profile.institution_id} if profile is not None else None
        if profile is None:
            profile = Profile(user_id=user.id, institution_id=institution.id, identity_flags=[])
            session.add(profile)
        else:
            profile.institution_id = institution.id
        await audit.record(
            session,
            user.id,
            "profile.employer_from_link",
            f"profile:{user.id}",
            candidate_user_id=user.id,
            before=before,
            after={"institution_id": institution.id, "invitation_id": invitation.id},
        )
        await uow.commit()
    return EmployerSet(institution.name)
