"""邮寄服务: a certificate holder asks for a printed copy by post; staff send it with a tracking number."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.certificates.service import certificate_of
from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import IssuedCertificate, MailRequest, User, utcnow
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.normalise import clean_text, parse_id
from core.people.roles import require_staff
from core.people.users import TelegramIdentity, ensure_user
from core.profile.identity import validate_address, validate_mobile, validate_name, validate_postcode

MAIL_FLOW = "mail"
STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("recipient", validate_name),
    ("mobile", validate_mobile),
    ("address", validate_address),
    ("postcode", validate_postcode),
)


@dataclass(frozen=True, slots=True)
class MailStep:
    """Where the request form is: the next field to ask for, or the finished request."""

    next_field: str | None
    request: MailView | None = None


@dataclass(frozen=True, slots=True)
class MailView:
    """A request as its holder and staff see it."""

    id: int
    certificate_no: str
    recipient: str
    mobile: str
    address: str
    postcode: str
    status: str
    tracking_no: str | None
    requested_at: datetime
    holder_telegram_id: int


def _view(row: MailRequest, number: str, telegram_id: int) -> MailView:
    return MailView(
        row.id,
        number,
        row.recipient,
        row.mobile,
        row.address,
        row.postcode,
        row.status,
        row.tracking_no,
        row.requested_at,
        telegram_id,
    )


@dataclass(frozen=True, slots=True)
class MailOverview:
    """What 邮寄服务 shows a candidate: whether they may ask for a printed copy, and their requests."""

    certificate_no: str | None
    revoked: bool
    requests: tuple[MailView, ...]

    @property
    def can_request(self) -> bool:
        """A holder of a valid certificate with no request still waiting may ask."""
        waiting = any(r.status == "requested" for r in self.requests)
        return self.certificate_no is not None and not self.revoked and not waiting


async def overview(db: Database, who: TelegramIdentity) -> MailOverview:
    """The candidate's certificate (if any) and every mailing request with its address and tracking number."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        certificate = await certificate_of(uow.session, user.id)
        rows = await uow.session.execute(
            select(MailRequest, IssuedCertificate.number)
            .join(IssuedCertificate, IssuedCertificate.id == MailRequest.certificate_id)
            .where(MailRequest.user_id == user.id)
            .order_by(MailRequest.id.desc())
        )
        requests = tuple(_view(r, n, who.telegram_id) for r, n in rows)
        await uow.commit()
    return MailOverview(
        certificate.number if certificate is not None else None,
        certificate is not None and certificate.revoked_at is not None,
        requests,
    )


async def start_request(db: Database, who: TelegramIdentity) -> MailStep:
    """Open the form for a holder of a valid certificate with no request still waiting."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        certificate = await certificate_of(uow.session, user.id)
        if certificate is None:
            raise NotAllowed("certs.cert.none")
        if certificate.revoked_at is not None:
            raise NotAllowed("certs.mail.revoked")
        waiting = await uow.session.scalar(
            select(MailRequest.id).where(MailRequest.user_id == user.id, MailRequest.status == "requested")
        )
        if waiting is not None:
            raise Conflict("certs.mail.already_waiting")
        await dialogs.save(uow.session, user.id, DialogState(MAIL_FLOW, STEPS[0][0], {}))
        await uow.commit()
    return MailStep(STEPS[0][0])


async def answer(db: Database, who: TelegramIdentity, text: str) -> MailStep:
    """Take the answer to the current field; after the last one the request is saved."""
    async with db.uow() as uow:
        user = await ensure_user(uow.session, who)
        state = await dialogs.load(uow.session, user.id)
        if state is None or state.flow != MAIL_FLOW:
            raise NotAllowed("common.stale_button")
        names = [name for name, _ in STEPS]
        index = names.index(state.step)
        value = STEPS[index][1](text)
        data = {**state.data, state.step: value}
        if index + 1 < len(STEPS):
            await dialogs.save(uow.session, user.id, DialogState(MAIL_FLOW, names[index + 1], data))
            await uow.commit()
            return MailStep(names[index + 1])
        certificate = await certificate_of(uow.session, user.id)
        if certificate is None or certificate.revoked_at is not None:
            raise NotAllowed("certs.mail.revoked")
        row = MailRequest(
            certificate_id=certificate.id,
            user_id=user.id,
            recipient=data["recipient"],
            mobile=data["mobile"],
            address=data["address"],
            postcode=data["postcode"],
        )
        uow.session.add(row)
        await dialogs.clear(uow.session, user.id)
        await uow.session.flush()
        view = _view(row, certificate.number, who.telegram_id)
        await uow.commit()
    return MailStep(None, view)


async def my_requests(db: Database, telegram_id: int) -> list[MailView]:
    """The holder's requests, newest first."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(MailRequest, IssuedCertificate.number)
            .join(IssuedCertificate, IssuedCertificate.id == MailRequest.certificate_id)
            .join(User, User.id == MailRequest.user_id)
            .where(User.telegram_id == telegram_id)
            .order_by(MailRequest.id.desc())
        )
        return [_view(r, n, telegram_id) for r, n in rows]


async def pending(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> list[MailView]:
    """Requests still to be posted, oldest first."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        rows = await uow.session.execute(
            select(MailRequest, IssuedCertificate.number, User.telegram_id)
            .join(IssuedCertificate, IssuedCertificate.id == MailRequest.certificate_id)
            .join(User, User.id == MailRequest.user_id)
            .where(MailRequest.status == "requested")
            .order_by(MailRequest.id)
        )
        return [_view(r, n, tid) for r, n, tid in rows]


def _tracking(raw: str) -> str:
    text = clean_text(raw, code=True).upper()
    if not re.fullmatch(r"[A-Z0-9]{8,30}", text):
        raise InvalidInput("certs.mail.bad_tracking", value=raw[:40])
    return text


async def mark_sent(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], args: list[str]
) -> MailView:
    """Record that a request was posted, with its tracking number, from `申请编号 快递单号`."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        if len(args) != 2:
            raise InvalidInput("certs.mail.sent_usage")
        request_id = parse_id(clean_text(args[0], code=True).lstrip("#"), error="certs.mail.sent_usage")
        tracking = _tracking(args[1])
        row = await uow.session.get(MailRequest, request_id, with_for_update=True)
        if row is None:
            raise NotFound("certs.mail.no_request", id=request_id)
        if row.status == "sent":
            raise Conflict("certs.mail.already_sent", id=request_id, tracking=row.tracking_no or "")
        row.status, row.tracking_no, row.sent_at = "sent", tracking, utcnow()
        row.sent_by_user_id = actor.user_id
        certificate = await uow.session.get(IssuedCertificate, row.certificate_id)
        holder = await uow.session.get(User, row.user_id)
        assert certificate is not None and holder is not None
        view = _view(row, certificate.number, holder.telegram_id)
        await uow.commit()
    return view
