"""Certificates for a registration, entered step by step, and their proofs (image or PDF, ≤10 MB, ≤5)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Certificate, KnownCertificate, Plan, Profile, Proof, Registration, User
from core.errors import InvalidInput, NotAllowed
from core.people.users import TelegramIdentity, ensure_user
from core.profile.identity import (
    certificate_number_or_none,
    parse_date,
    validate_certificate_number,
    validate_issuer,
    validate_occupation,
)
from core.profile.photos import inspect_proof
from core.registration.eligibility import STATUS_LABELS, normalise_name
from core.registration.views import EDITABLE, own_registration

FLOW = "registration"
KINDS = ("skill", "title")
SKILL_LEVELS = ("三级/高级工", "二级/技师", "一级/高级技师")
TITLE_LEVELS = ("中级", "副高级", "正高级")
MAX_PROOFS = 5
STEPS = ("kind", "field", "level", "number", "issuer", "date")


@dataclass(frozen=True, slots=True)
class CertPrompt:
    """What the certificate dialog asks next; `step` "proof" waits for uploads, "done" returns to the view."""

    step: str
    registration_id: int
    kind: str | None = None
    choices: tuple[str, ...] = ()
    certificate_id: int | None = None
    verified: bool = False
    proofs: int = 0


def levels_for(kind: str) -> tuple[str, ...]:
    """The levels a certificate of this kind may have for this programme."""
    return SKILL_LEVELS if kind == "skill" else TITLE_LEVELS


async def _editable(session: AsyncSession, user: User, registration_id: int) -> Registration:
    registration = await own_registration(session, user, registration_id)
    if registration.status not in EDITABLE:
        raise NotAllowed("registration.not_editable", status=STATUS_LABELS[registration.status])
    return registration


async def _open(session: AsyncSession, who: TelegramIdentity) -> tuple[User, DialogState]:
    user = await ensure_user(session, who)
    state = await dialogs.load(session, user.id)
    if state is None or state.flow != FLOW:
        raise InvalidInput("common.stale_button")
    await _editable(session, user, int(state.data["reg"]))
    return user, state


async def _prompt(session: AsyncSession, user: User, data: dict[str, Any], step: str) -> CertPrompt:
    await dialogs.save(session, user.id, DialogState(FLOW, step, data))
    registration_id = int(data["reg"])
    kind = data.get("kind")
    choices: tuple[str, ...] = ()
    if step == "kind":
        choices = KINDS
    elif step == "level" and kind:
        choices = levels_for(kind)
    elif step == "field" and kind == "skill":
        registration = await session.get(Registration, registration_id)
        plan = await session.get(Plan, registration.plan_id) if registration else None
        choices = tuple(plan.occupations) if plan else ()
    return CertPrompt(step, registration_id, kind, choices)


async def start_certificate(db: Database, who: TelegramIdentity, registration_id: int) -> CertPrompt:
    """Begin entering a certificate for one of the candidate's editable registrations."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        await _editable(uow.session, user, registration_id)
        prompt = await _prompt(uow.session, user, {"reg": registration_id}, "kind")
        await uow.commit()
    return prompt


async def current_prompt(db: Database, who: TelegramIdentity) -> CertPrompt:
    """The open certificate step as it stands, nothing saved: shown again after a crash lost its answer."""
    async with db.uow() as uow:
        user, state = await _open(uow.session, who)
        return await _prompt(uow.session, user, dict(state.data), state.step)


def _next(step: str) -> str:
    return STEPS[STEPS.index(step) + 1]


async def choose(db: Database, who: TelegramIdentity, step: str, index: int) -> CertPrompt:
    """A button for the kind, the level, or (for a skill) one of the plan's occupations."""
    async with db.uow() as uow:
        session = uow.session
        user, state = await _open(session, who)
        current = await _prompt(session, user, dict(state.data), state.step)
        if state.step != step or not 0 <= index < len(current.choices):
            raise InvalidInput("common.stale_button")
        prompt = await _save_value(session, user, state, current.choices[index])
        await uow.commit()
    return prompt


async def answer_text(db: Database, who: TelegramIdentity, text: str, today: date) -> CertPrompt:
    """A typed value for the open step, validated before anything is kept."""
    async with db.uow() as uow:
        session = uow.session
        user, state = await _open(session, who)
        step = state.step
        if step == "proof":
            raise InvalidInput("registration.need_file")
        if step in ("kind", "level"):
            raise InvalidInput("registration.use_buttons")
        if step == "field":
            value = validate_occupation(text)
        elif step == "number":
            value = validate_certificate_number(text)
        elif step == "issuer":
            value = validate_issuer(text)
        else:
            issued = parse_date(text)
            if issued is None:
                raise InvalidInput("identity.date_format", value=text.strip()[:20])
            if issued > today or issued.year < 1950:
                raise InvalidInput("registration.date_range")
            value = issued.isoformat()
        prompt = await _save_value(session, user, state, value)
        await uow.commit()
    return prompt


async def _save_value(session: AsyncSession, user: User, state: DialogState, value: str) -> CertPrompt:
    data = dict(state.data)
    data[state.step] = value
    if state.step != "date":
        return await _prompt(session, user, data, _next(state.step))
    return await _create(session, user, data)


async def _is_known(session: AsyncSession, user: User, kind: str, field: str, number: str) -> bool:
    """A skill certificate the staff-imported registry holds for the same ID number is 系统已核验."""
    id_number = await session.scalar(select(Profile.id_number).where(Profile.user_id == user.id))
    wanted = certificate_number_or_none(number)
    if kind != "skill" or id_number is None or wanted is None:
        return False
    rows = await session.execute(
        select(KnownCertificate.number, KnownCertificate.occupation).where(
            KnownCertificate.id_number == id_number
        )
    )
    return any(  # compared in registry form, since rows imported before it was ASCII-only may hold dashes
        certificate_number_or_none(known) == wanted and normalise_name(occupation) == normalise_name(field)
        for known, occupation in rows.all()
    )


async def _create(session: AsyncSession, user: User, data: dict[str, Any]) -> CertPrompt:
    registration_id = int(data["reg"])
    verified = await _is_known(session, user, data["kind"], data["field"], data["number"])
    certificate = Certificate(
        registration_id=registration_id,
        kind=data["kind"],
        field=data["field"],
        level=data["level"],
        number=data["number"],
        issuer=data["issuer"],
        issued_on=date.fromisoformat(data["date"]),
        verified=verified,
    )
    session.add(certificate)
    await session.flush()
    if verified:
        await dialogs.clear(session, user.id)
        return CertPrompt("done", registration_id, certificate_id=certificate.id, verified=True)
    await dialogs.save(
        session, user.id, DialogState(FLOW, "proof", {"reg": registration_id, "cert": certificate.id})
    )
    return CertPrompt("proof", registration_id, data["kind"], certificate_id=certificate.id)


async def _own_certificate(session: AsyncSession, user: User, certificate_id: int) -> Certificate:
    certificate = await session.get(Certificate, certificate_id)
    if certificate is None:
        raise InvalidInput("common.stale_button")
    await _editable(session, user, certificate.registration_id)
    return certificate


async def start_proofs(db: Database, who: TelegramIdentity, certificate_id: int) -> CertPrompt:
    """Wait for proof uploads for one of the candidate's certificates."""
    async with db.uow() as uow:
        session = uow.session
        user = await ensure_user(session, who)
        certificate = await _own_certificate(session, user, certificate_id)
        data = {"reg": certificate.registration_id, "cert": certificate.id}
        await dialogs.save(session, user.id, DialogState(FLOW, "proof", data))
        count = await _proof_count(session, certificate.id)
        await uow.commit()
    return CertPrompt(
        "proof", certificate.registration_id, certificate.kind, certificate_id=certificate.id, proofs=count
    )


async def _proof_count(session: AsyncSession, certificate_id: int) -> int:
    return (
        await session.scalar(select(func.count(Proof.id)).where(Proof.certificate_id == certificate_id)) or 0
    )


async def expecting_proof(db: Database, who: TelegramIdentity) -> int:
    """How many proofs the open certificate has; refuses when no proof upload is expected or 5 are there."""
    async with db.uow() as uow:
        _user, state = await _open(uow.session, who)
        if state.step != "proof":
            raise InvalidInput("registration.file_not_expected")
        count = await _proof_count(uow.session, int(state.data["cert"]))
    if count >= MAX_PROOFS:
        raise InvalidInput("registration.proof_limit", max=MAX_PROOFS)
    return count


async def add_proof(
    db: Database, who: TelegramIdentity, data: bytes, file_id: str, file_name: str
) -> CertPrompt:
    """Keep one proof (by Telegram file id) after checking its content; at most five per certificate."""
    mime = inspect_proof(data)
    async with db.uow() as uow:
        session = uow.session
        _user, state = await _open(session, who)
        if state.step != "proof":
            raise InvalidInput("registration.file_not_expected")
        certificate_id = int(state.data["cert"])
        count = await _proof_count(session, certificate_id)
        if count >= MAX_PROOFS:
            raise InvalidInput("registration.proof_limit", max=MAX_PROOFS)
        session.add(
            Proof(
                certificate_id=certificate_id,
                telegram_file_id=file_id,
                file_name=file_name[:128],
                mime_type=mime,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        await uow.commit()
    return CertPrompt("proof", int(state.data["reg"]), certificate_id=certificate_id, proofs=count + 1)


async def finish(db: Database, who: TelegramIdentity) -> int:
    """Leave the certificate dialog; returns the registration to show again."""
    async with db.uow() as uow:
        user, state = await _open(uow.session, who)
        await dialogs.clear(uow.session, user.id)
        await uow.commit()
    return int(state.data["reg"])


async def delete_certificate(db: Database, who: TelegramIdentity, certificate_id: int) -> int:
    """Remove a certificate (and its proofs) from an editable registration; returns the registration id."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        certificate = await _own_certificate(uow.session, user, certificate_id)
        registration_id = certificate.registration_id
        await uow.session.delete(certificate)
        await dialogs.clear(uow.session, user.id)
        await uow.commit()
    return registration_id
