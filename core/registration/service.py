"""我的报名: plans, registering for an occupation inside its window, the pledge, eligibility, submission."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from core.db import Database, dialogs
from core.db.models import Plan, Profile, Registration
from core.errors import Conflict, InvalidInput, NotAllowed
from core.people.users import TelegramIdentity, ensure_user
from core.profile.completeness import missing_profile_fields
from core.profile.fields import facts_of
from core.registration.eligibility import (
    STATUS_LABELS,
    RegistrationAction,
    RegistrationStatus,
    next_status,
    registration_window_unmet,
)
from core.registration.facts import registration_window
from core.registration.views import (
    EDITABLE,
    CertificateView,
    Home,
    PlanView,
    RegistrationView,
    build_view,
    own_registration,
    plan_view,
)
from core.texts import t

__all__ = ["EDITABLE", "CertificateView", "Home", "PlanView", "RegistrationView", "own_registration"]


async def home(db: Database, who: TelegramIdentity, now: datetime, tz: ZoneInfo, tech_phone: str) -> Home:
    """我的报名: refuse to list plans until the profile is complete (先维护个人信息，后报名考试)."""
    async with db.uow() as uow:
        session = uow.session
        user = await ensure_user(session, who)
        await dialogs.clear(session, user.id)
        profile = await session.scalar(select(Profile).where(Profile.user_id == user.id))
        missing = tuple(missing_profile_fields(facts_of(profile)))
        registrations = (
            await session.scalars(
                select(Registration).where(Registration.user_id == user.id).order_by(Registration.id)
            )
        ).all()
        views = tuple([await build_view(session, r, now, tz, tech_phone) for r in registrations])
        plans = (
            await session.scalars(
                select(Plan).where(Plan.status == "published").order_by(Plan.registration_start.desc())
            )
        ).all()
        plan_views = tuple([await plan_view(session, p, now, tz) for p in plans])
        await uow.commit()
    return Home(missing, views, plan_views)


async def plan_detail(db: Database, plan_id: int, now: datetime, tz: ZoneInfo) -> PlanView:
    """A published plan's windows, occupations and batches."""
    async with db.uow() as uow:
        plan = await uow.session.get(Plan, plan_id)
        if plan is None or plan.status != "published":
            raise InvalidInput("common.stale_button")
        return await plan_view(uow.session, plan, now, tz)


async def register(
    db: Database,
    who: TelegramIdentity,
    plan_id: int,
    occupation: int,
    now: datetime,
    tz: ZoneInfo,
    tech_phone: str,
) -> RegistrationView:
    """Start (or re-point) a draft registration for one occupation; only inside the registration window."""
    async with db.uow() as uow:
        session = uow.session
        user = await ensure_user(session, who)
        plan = await session.get(Plan, plan_id)
        if plan is None or plan.status != "published" or not 0 <= occupation < len(plan.occupations or []):
            raise InvalidInput("common.stale_button")
        profile = await session.scalar(select(Profile).where(Profile.user_id == user.id))
        if missing_profile_fields(facts_of(profile)):
            raise NotAllowed("registration.profile_first_short")
        closed = registration_window_unmet(registration_window(plan, tz), now)
        if closed is not None:
            raise NotAllowed(closed.key, **closed.params)
        registration = await session.scalar(
            select(Registration).where(Registration.user_id == user.id, Registration.plan_id == plan.id)
        )
        if registration is None:
            registration = Registration(
                user_id=user.id, plan_id=plan.id, status="draft", pledge_confirmed=False
            )
            session.add(registration)
        elif registration.status not in EDITABLE:
            raise NotAllowed("registration.not_editable", status=STATUS_LABELS[registration.status])
        registration.occupation = plan.occupations[occupation]
        await session.flush()
        view = await build_view(session, registration, now, tz, tech_phone)
        await commit(session)
    return view


async def commit(session: AsyncSession) -> None:
    """Commit; losing a race with a staff decision (the version moved on) is reported, not retried."""
    try:
        await session.commit()
    except StaleDataError:
        await session.rollback()
        raise Conflict("registration.changed") from None


async def show(
    db: Database, who: TelegramIdentity, registration_id: int, now: datetime, tz: ZoneInfo, tech_phone: str
) -> RegistrationView:
    """One of the candidate's own registrations."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        registration = await own_registration(uow.session, user, registration_id)
        view = await build_view(uow.session, registration, now, tz, tech_phone)
        await uow.commit()
    return view


async def confirm_pledge(
    db: Database, who: TelegramIdentity, registration_id: int, now: datetime, tz: ZoneInfo, tech_phone: str
) -> RegistrationView:
    """Record the good-conduct pledge (申报条件（一）) the candidate confirmed with a button."""
    async with db.uow() as uow:
        session = uow.session
        user = await ensure_user(session, who)
        registration = await own_registration(session, user, registration_id)
        if registration.status not in EDITABLE:
            raise NotAllowed("registration.not_editable", status=STATUS_LABELS[registration.status])
        registration.pledge_confirmed = True
        await session.flush()
        view = await build_view(session, registration, now, tz, tech_phone)
        await commit(session)
    return view


async def submit(
    db: Database, who: TelegramIdentity, registration_id: int, now: datetime, tz: ZoneInfo, tech_phone: str
) -> RegistrationView:
    """Submit (or resubmit after rejection) only when no eligibility condition is unmet."""
    async with db.uow() as uow:
        session = uow.session
        user = await ensure_user(session, who)
        registration = await own_registration(session, user, registration_id)
        view = await build_view(session, registration, now, tz, tech_phone)
        status = next_status(RegistrationStatus(registration.status), RegistrationAction.SUBMIT)
        if view.unmet:
            items = "\n".join(f"{i}. {t(u.key, **u.params)}" for i, u in enumerate(view.unmet, 1))
            raise NotAllowed("registration.unmet", count=len(view.unmet), items=items)
        registration.resubmitted = status is RegistrationStatus.RESUBMITTED
        registration.status = status.value
        registration.submitted_at = now
        await dialogs.clear(session, user.id)
        await session.flush()
        view = await build_view(session, registration, now, tz, tech_phone)
        await commit(session)
    return view


async def registration_for_review(
    db: Database, registration_id: int, now: datetime, tz: ZoneInfo
) -> RegistrationView | None:
    """Read one registration as the candidate sees it (for staff screens); None when it does not exist."""
    async with db.uow() as uow:
        registration = await uow.session.get(Registration, registration_id)
        if registration is None:
            return None
        return await build_view(uow.session, registration, now, tz)
