"""个人信息: a dialog kept in the database; each answer is validated and saved the moment it is given."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Dialog, Institution, Profile, User
from core.errors import Conflict, InvalidInput, NotAllowed
from core.people.users import TelegramIdentity, ensure_user, touch
from core.profile import consent
from core.profile.answers import (
    BrowsePage,
    InstitutionMatch,
    browse_institutions,
    search_institutions,
    set_id_number,
    set_text,
)
from core.profile.completeness import PROVINCIAL_REGION
from core.profile.fields import (
    CHOICES,
    DERIVED,
    IDENTITY_FLAGS,
    LABELS,
    OPTIONAL,
    REQUIRED,
    STEPS,
    ProfileView,
    is_derived,
    is_locked,
    view_of,
)

FLOW = "profile"


@dataclass(frozen=True, slots=True)
class Screen:
    """What to show next: the question for `step` (a field or "photo"), "summary", or "done"."""

    step: str
    view: ProfileView
    saved: str | None = None
    editing: bool = False
    resumed: bool = False
    matches: tuple[InstitutionMatch, ...] = ()
    searched: str | None = None
    browse: BrowsePage | None = None  # a page of the registry by kind, when the candidate browses it


async def load_profile(session: AsyncSession, who: TelegramIdentity) -> tuple[User, Profile]:
    """The person, their profile and (into the session, for dialogs.load) their open step in one query."""
    row = (
        await session.execute(
            select(User, Profile, Dialog)
            .outerjoin(Profile, Profile.user_id == User.id)
            .outerjoin(Dialog, Dialog.user_id == User.id)
            .where(User.telegram_id == who.telegram_id)
        )
    ).first()
    profile: Profile | None
    if row is None:
        user, profile = await ensure_user(session, who), None
    else:
        user, profile = row[0], row[1]
        touch(user, who)
    if profile is None:
        profile = Profile(user_id=user.id, identity_flags=[])
        session.add(profile)
        await session.flush()
    return user, profile


async def editable(session: AsyncSession, who: TelegramIdentity) -> tuple[User, Profile, DialogState]:
    """The user's profile and open profile step; refuses when locked or when no profile step is open."""
    user, profile = await load_profile(session, who)
    if await is_locked(session, user.id):
        raise NotAllowed("profile.locked")
    await consent.require(session, user.id)
    state = await dialogs.load(session, user.id)
    if state is None or state.flow != FLOW:
        raise InvalidInput("common.stale_button")
    return user, profile, state


def _next_step(after: str, view: ProfileView, editing: bool) -> str:
    if editing:
        # a new ID type clears the number, which must then be entered again for that type
        return "id_number" if after == "id_type" and "id_number" in view.missing else "summary"
    if view.missing:
        return view.missing[0]
    if after in REQUIRED:
        return OPTIONAL[0]
    for step in STEPS[STEPS.index(after) + 1 :]:
        if step != "photo" or not view.has_photo:
            return step
    return "summary"


async def advance(
    session: AsyncSession, user: User, profile: Profile, state: DialogState, saved: str
) -> Screen:
    """Save the dialog's next step in the same transaction as the answer, and say what to ask next."""
    try:
        await session.flush()
    except IntegrityError:  # another account saved the same ID number after our check
        raise Conflict("profile.id_taken") from None
    editing = bool(state.data.get("edit"))
    view = await view_of(session, profile, locked=False)
    step = _next_step(saved, view, editing)
    keep_editing = editing and step != "summary"
    await dialogs.save(session, user.id, DialogState(FLOW, step, {"edit": True} if keep_editing else {}))
    return Screen(step, view, saved=saved, editing=keep_editing)


async def _commit(session: AsyncSession) -> None:
    """Commit; a unique-ID race lost to another account gets the same answer as the check before it."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict("profile.id_taken") from None


async def _open(session: AsyncSession, user: User, profile: Profile) -> Screen:
    """Ask for what the notice still needs, else resume at the first missing field or show the summary."""
    locked = await is_locked(session, user.id)
    view = await view_of(session, profile, locked)
    needed = () if locked else await consent.missing(session, user.id)
    if locked:
        await dialogs.clear(session, user.id)
        return Screen("summary", view)
    if needed:
        await dialogs.save(session, user.id, DialogState(FLOW, "consent", {}))
        return Screen(f"consent_{needed[0]}", view)
    if view.missing:
        step = view.missing[0]
        await dialogs.save(session, user.id, DialogState(FLOW, step, {}))
        return Screen(step, view, resumed=step != REQUIRED[0])
    await dialogs.save(session, user.id, DialogState(FLOW, "summary", {}))
    return Screen("summary", view)


async def open_profile(db: Database, who: TelegramIdentity) -> Screen:
    """Resume at the first missing field, or show the summary (read-only once registration is approved)."""
    async with db.uow() as uow:
        user, profile = await load_profile(uow.session, who)
        screen = await _open(uow.session, user, profile)
        await uow.commit()
    return screen


async def current_screen(db: Database, who: TelegramIdentity) -> Screen:
    """The open step as it stands, unchanged: shown again when a crash lost the answer to a saved step."""
    async with db.uow() as uow:
        _user, profile, state = await editable(uow.session, who)
        view = await view_of(uow.session, profile, locked=False)
    return Screen(state.step, view, editing=bool(state.data.get("edit")))


async def agree(db: Database, who: TelegramIdentity, kind: str | None) -> Screen:
    """Record one agreement to the notice (None: the person declined, and nothing is stored), then go on."""
    async with db.uow() as uow:
        session = uow.session
        user, profile = await load_profile(session, who)
        if kind is None:
            await dialogs.clear(session, user.id)
            await uow.commit()
            return Screen("consent_declined", await view_of(session, profile, locked=False))
        needed = await consent.missing(session, user.id)
        if needed and needed[0] != kind:
            raise InvalidInput("common.stale_button")
        await consent.record(session, user.id, kind)
        screen = await _open(session, user, profile)
        await uow.commit()
    return screen


async def answer_text(db: Database, who: TelegramIdentity, text: str, today: date, tech_phone: str) -> Screen:
    """Validate and save a typed answer for the open step; invalid input changes nothing."""
    async with db.uow() as uow:
        session = uow.session
        user, profile, state = await editable(session, who)
        step = state.step
        if step == "institution":
            searched, matches = await search_institutions(session, text)
            view = await view_of(session, profile, locked=False)
            editing = bool(state.data.get("edit"))
            return Screen(step, view, editing=editing, matches=matches, searched=searched)
        if step == "photo":
            raise InvalidInput("photos.need_photo")
        if step == "summary":
            raise InvalidInput("profile.use_summary_buttons")
        if step in CHOICES and text.strip() in CHOICES[step]:
            return await _choose_in(session, user, profile, state, step, text.strip(), tech_phone)
        if step == "id_number":
            await set_id_number(session, user, profile, text, today)
        else:
            set_text(profile, step, text, today)
        screen = await advance(session, user, profile, state, step)
        await _commit(session)
    return screen


async def _choose_in(
    session: AsyncSession,
    user: User,
    profile: Profile,
    state: DialogState,
    field: str,
    value: str,
    tech_phone: str,
) -> Screen:
    if field == "region" and value != PROVINCIAL_REGION:
        raise NotAllowed("profile.region_refused", region=value, phone=tech_phone)
    if field == "gender" and is_derived(profile) and profile.gender != value:
        raise InvalidInput("identity.mismatch_gender", encoded=profile.gender)
    if field == "id_type" and profile.id_type != value:
        profile.id_number = None
    setattr(profile, field, value)
    screen = await advance(session, user, profile, state, field)
    await _commit(session)
    return screen


async def choose(db: Database, who: TelegramIdentity, field: str, index: int, tech_phone: str) -> Screen:
    """Save a choice pressed on a keyboard; the button must belong to the step that is open."""
    async with db.uow() as uow:
        user, profile, state = await editable(uow.session, who)
        options = CHOICES.get(field, ())
        if state.step != field or not 0 <= index < len(options):
            raise InvalidInput("common.stale_button")
        return await _choose_in(uow.session, user, profile, state, field, options[index], tech_phone)


async def toggle_flag(db: Database, who: TelegramIdentity, index: int) -> Screen:
    """Tick or untick one identity flag (多选); saved at once."""
    async with db.uow() as uow:
        session = uow.session
        _user, profile, state = await editable(session, who)
        if state.step != "identity_flags" or not 0 <= index < len(IDENTITY_FLAGS):
            raise InvalidInput("common.stale_button")
        chosen = set(profile.identity_flags or [])
        chosen ^= {IDENTITY_FLAGS[index]}
        profile.identity_flags = [flag for flag in IDENTITY_FLAGS if flag in chosen]
        await session.flush()
        view = await view_of(session, profile, locked=False)
        await uow.commit()
    return Screen("identity_flags", view, editing=bool(state.data.get("edit")))


async def pick_institution(db: Database, who: TelegramIdentity, institution_id: int) -> Screen:
    """Save the employer chosen from the search results."""
    async with db.uow() as uow:
        session = uow.session
        user, profile, state = await editable(session, who)
        if state.step != "institution" or await session.get(Institution, institution_id) is None:
            raise InvalidInput("common.stale_button")
        profile.institution_id = institution_id
        screen = await advance(session, user, profile, state, "institution")
        await uow.commit()
    return screen


async def finish_step(db: Database, who: TelegramIdentity, step: str) -> Screen:
    """Leave an optional step as it is (跳过 / 完成) and go on."""
    async with db.uow() as uow:
        session = uow.session
        user, profile, state = await editable(session, who)
        if state.step not in OPTIONAL or state.step != step:
            raise InvalidInput("common.stale_button")
        screen = await advance(session, user, profile, state, state.step)
        await uow.commit()
    kept = state.step == "identity_flags" and bool(screen.view.flags)
    return screen if kept else replace(screen, saved=None)


async def edit(db: Database, who: TelegramIdentity, field: str) -> Screen:
    """Open one field from the summary; after it is answered the summary comes back."""
    async with db.uow() as uow:
        session = uow.session
        user, profile = await load_profile(session, who)
        if await is_locked(session, user.id):
            raise NotAllowed("profile.locked")
        if field not in STEPS:
            raise InvalidInput("common.stale_button")
        if field in DERIVED and is_derived(profile):
            raise InvalidInput("profile.derived_field")
        await dialogs.save(session, user.id, DialogState(FLOW, field, {"edit": True}))
        view = await view_of(session, profile, locked=False)
        await uow.commit()
    return Screen(field, view, editing=True)


async def confirm(db: Database, who: TelegramIdentity) -> Screen:
    """Close the profile after the summary; refused while a required field is missing."""
    async with db.uow() as uow:
        session = uow.session
        user, profile = await load_profile(session, who)
        view = await view_of(session, profile, locked=await is_locked(session, user.id))
        if view.missing:
            labels = "、".join(LABELS[f] for f in view.missing)
            raise InvalidInput("profile.incomplete", fields=labels)
        await dialogs.clear(session, user.id)
        await uow.commit()
    return Screen("done", view)


async def browse(db: Database, who: TelegramIdentity, kind_index: int, offset: int) -> Screen:
    """A page of accepted institutions of one kind, to pick from when typing found nothing."""
    async with db.uow() as uow:
        session = uow.session
        _user, profile, state = await editable(session, who)
        if state.step != "institution":
            raise InvalidInput("common.stale_button")
        page, matches = await browse_institutions(session, kind_index, offset)
        view = await view_of(session, profile, locked=False)
        editing = bool(state.data.get("edit"))
    return Screen("institution", view, editing=editing, matches=matches, browse=page)
