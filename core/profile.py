"""个人信息: a dialog kept in the database; each answer is validated and saved the moment it is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import dialogs
from core.db import Database
from core.db.models import Institution, Photo, Profile, Registration, User
from core.dialogs import DialogState
from core.errors import Conflict, InvalidInput, NotAllowed
from core.identity import (
    IdType,
    cross_check,
    validate_address,
    validate_birth_date,
    validate_email,
    validate_id,
    validate_mobile,
    validate_name,
    validate_postcode,
    validate_work_start,
)
from core.people import TelegramIdentity, ensure_user
from core.rules import (
    PROFILE_FIELD_LABELS,
    PROVINCIAL_REGION,
    ProfileFacts,
    RegistrationStatus,
    can_edit_profile,
    missing_profile_fields,
)

FLOW = "profile"
ID_TYPES: tuple[str, ...] = tuple(item.value for item in IdType)
GENDERS = ("男", "女")
EDUCATIONS = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中等职业教育", "普通高中", "初中及以下")
REGIONS = (
    PROVINCIAL_REGION, "合肥市", "芜湖市", "蚌埠市", "淮南市", "马鞍山市", "淮北市", "铜陵市", "安庆市",
    "黄山市", "滁州市", "阜阳市", "宿州市", "六安市", "亳州市", "池州市", "宣城市",
)  # fmt: skip
CATEGORIES = ("企业职工", "机关事业单位人员", "院校教师", "社会人员", "其他")
IDENTITY_FLAGS = ("在校人员", "服役军人", "下岗人员", "失业人员", "残疾人员", "农民工", "两劳人员", "其他")
CHOICES: Mapping[str, tuple[str, ...]] = {
    "id_type": ID_TYPES,
    "gender": GENDERS,
    "education": EDUCATIONS,
    "region": REGIONS,
    "category": CATEGORIES,
}
REQUIRED: tuple[str, ...] = tuple(f.name for f in fields(ProfileFacts))
OPTIONAL = ("identity_flags", "institution", "work_started_on", "photo")
STEPS = REQUIRED + OPTIONAL
LABELS: Mapping[str, str] = {
    **PROFILE_FIELD_LABELS,
    "identity_flags": "人员身份",
    "institution": "单位名称",
    "work_started_on": "参加工作时间",
    "photo": "照片",
}
DERIVED = ("birth_date", "gender")
SEARCH_LIMIT = 8
SEARCH_MAX = 40


@dataclass(frozen=True, slots=True)
class ProfileView:
    """The profile as the candidate sees it: display text per field, what is missing, whether it is locked."""

    values: Mapping[str, str]
    missing: tuple[str, ...]
    derived_from_id: bool
    has_photo: bool
    locked: bool
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InstitutionMatch:
    """One registry entry offered as a button when the candidate searches for an employer."""

    id: int
    name: str


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


def _display(profile: Profile, field: str, institution: str | None) -> str:
    if field == "identity_flags":
        return "、".join(profile.identity_flags or [])
    if field == "institution":
        return institution or ""
    value = getattr(profile, field, None)
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value) if value else ""


def facts_of(profile: Profile | None) -> ProfileFacts:
    """The rules' view of a profile row (None when the candidate never opened 个人信息)."""
    if profile is None:
        return ProfileFacts()
    return ProfileFacts(**{name: getattr(profile, name) for name in REQUIRED})


def is_derived(profile: Profile) -> bool:
    """Birth date and gender come from a resident ID number and are not asked again."""
    return profile.id_type == IdType.RESIDENT.value and bool(profile.id_number)


async def is_locked(session: AsyncSession, user_id: int) -> bool:
    """After approval, changes go through staff."""
    statuses = await session.scalars(select(Registration.status).where(Registration.user_id == user_id))
    known = {status.value for status in RegistrationStatus}
    return any(s in known and not can_edit_profile(RegistrationStatus(s)) for s in statuses)


async def view_of(session: AsyncSession, profile: Profile, locked: bool) -> ProfileView:
    institution = None
    if profile.institution_id is not None:
        institution = await session.scalar(
            select(Institution.name).where(Institution.id == profile.institution_id)
        )
    photo = await session.scalar(select(Photo.id).where(Photo.user_id == profile.user_id))
    return ProfileView(
        values={field: _display(profile, field, institution) for field in STEPS if field != "photo"},
        missing=tuple(missing_profile_fields(facts_of(profile))),
        derived_from_id=is_derived(profile),
        has_photo=photo is not None,
        locked=locked,
        flags=tuple(profile.identity_flags or []),
    )


async def load_profile(session: AsyncSession, who: TelegramIdentity) -> tuple[User, Profile]:
    user = await ensure_user(session, who)
    profile = await session.scalar(select(Profile).where(Profile.user_id == user.id))
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


async def open_profile(db: Database, who: TelegramIdentity) -> Screen:
    """Resume at the first missing field, or show the summary (read-only once registration is approved)."""
    async with db.uow() as uow:
        session = uow.session
        user, profile = await load_profile(session, who)
        locked = await is_locked(session, user.id)
        view = await view_of(session, profile, locked)
        if locked:
            await dialogs.clear(session, user.id)
            screen = Screen("summary", view)
        elif view.missing:
            step = view.missing[0]
            await dialogs.save(session, user.id, DialogState(FLOW, step, {}))
            screen = Screen(step, view, resumed=step != REQUIRED[0])
        else:
            await dialogs.save(session, user.id, DialogState(FLOW, "summary", {}))
            screen = Screen("summary", view)
        await uow.commit()
    return screen


async def _set_id_number(session: AsyncSession, user: User, profile: Profile, raw: str, today: date) -> None:
    if not profile.id_type:
        raise InvalidInput("profile.id_type_first")
    parsed = validate_id(IdType(profile.id_type), raw, today)
    taken = await session.scalar(
        select(Profile.id).where(Profile.id_number == parsed.number, Profile.user_id != user.id)
    )
    if taken is not None:
        raise Conflict("profile.id_taken")
    profile.id_number = parsed.number
    if parsed.birth_date is not None and parsed.gender is not None:
        profile.birth_date, profile.gender = parsed.birth_date, parsed.gender


def _id_type(profile: Profile) -> IdType:
    return IdType(profile.id_type) if profile.id_type else IdType.RESIDENT


def _set_text(profile: Profile, field: str, raw: str, today: date) -> None:
    if field == "name":
        profile.name = validate_name(raw, _id_type(profile))
    elif field == "birth_date":
        born = validate_birth_date(raw, today)
        if is_derived(profile):
            cross_check(validate_id(_id_type(profile), profile.id_number or "", today), born, None)
        profile.birth_date = born
    elif field == "mobile":
        profile.mobile = validate_mobile(raw)
    elif field == "email":
        profile.email = validate_email(raw)
    elif field == "postcode":
        profile.postcode = validate_postcode(raw)
    elif field == "address":
        profile.address = validate_address(raw)
    elif field == "work_started_on":
        profile.work_started_on = validate_work_start(raw, today, profile.birth_date)
    else:
        raise InvalidInput("profile.use_buttons", field=LABELS.get(field, field))


async def _search(session: AsyncSession, raw: str) -> tuple[str, tuple[InstitutionMatch, ...]]:
    text = " ".join(raw.split())[:SEARCH_MAX]
    if len(text) < 2:
        raise InvalidInput("profile.search_short")
    rows = await session.execute(
        select(Institution.id, Institution.name)
        .where(Institution.name.contains(text, autoescape=True))
        .order_by(Institution.name)
        .limit(SEARCH_LIMIT)
    )
    return text, tuple(InstitutionMatch(i, n) for i, n in rows.all())


async def answer_text(db: Database, who: TelegramIdentity, text: str, today: date, tech_phone: str) -> Screen:
    """Validate and save a typed answer for the open step; invalid input changes nothing."""
    async with db.uow() as uow:
        session = uow.session
        user, profile, state = await editable(session, who)
        step = state.step
        if step == "institution":
            searched, matches = await _search(session, text)
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
            await _set_id_number(session, user, profile, text, today)
        else:
            _set_text(profile, step, text, today)
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
