"""Staff broadcasts: compose, choose an audience, preview the count, confirm into the outbox, report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import Institution, Notice, Plan
from core.errors import Conflict, InvalidInput, NotFound
from core.normalise import clean_text
from core.notices import audiences, outbox
from core.notices.audiences import Audience
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.texts import t

FLOW = "broadcast"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
KIND = "broadcast"
REPORT_KIND = "report"
QUIZ_RESULT_KIND = "quiz_result"  # a quiz result handed in at the time limit, sent through the outbox
UNLISTED_KINDS = (REPORT_KIND, QUIZ_RESULT_KIND)  # one person's messages, not notices staff follow up


@dataclass(frozen=True, slots=True)
class Choice:
    """A button the audience step offers: its label and the reference it carries."""

    label: str
    ref: str


@dataclass(frozen=True, slots=True)
class Preview:
    """What will be sent to whom, before staff confirm."""

    text: str
    document_name: str | None
    audience_label: str
    recipients: int


@dataclass(frozen=True, slots=True)
class Queued:
    """A confirmed broadcast, now in the outbox."""

    notice_id: int
    recipients: int


async def _draft(session: AsyncSession, user_id: int) -> dict[str, Any]:
    state = await dialogs.load(session, user_id)
    if state is None or state.flow != FLOW:
        raise Conflict("notices.broadcast.no_draft")
    return dict(state.data)


async def start(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Open a fresh draft; the next text or document a staff member sends becomes the notice."""
    async with db.uow() as uow:
        user = await require_staff(uow.session, who, staff_ids)
        await dialogs.save(uow.session, user.user_id, DialogState(FLOW, "compose", {}))
        await uow.commit()


def check_text(text: str, *, caption: bool) -> str:
    """Refuse an empty text or one over Telegram's limit (4096, or 1024 under a document)."""
    cleaned = clean_text(text, multiline=True)
    limit = MAX_CAPTION if caption else MAX_TEXT
    if not cleaned and not caption:
        raise InvalidInput("notices.broadcast.empty")
    if len(cleaned) > limit:
        key = "notices.broadcast.caption_too_long" if caption else "notices.broadcast.too_long"
        raise InvalidInput(key, length=len(cleaned), limit=limit)
    return cleaned


async def compose(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    text: str,
    document: tuple[str, str, int] | None = None,
) -> None:
    """Keep the draft's text (and document: file id, name, size) once they fit Telegram's limits."""
    if document is not None and document[2] > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            "notices.broadcast.document_too_large", size_mb=round(document[2] / 1048576, 1), limit_mb=20
        )
    cleaned = check_text(text, caption=document is not None)
    async with db.uow() as uow:
        user = await require_staff(uow.session, who, staff_ids)
        await _draft(uow.session, user.user_id)
        data: dict[str, Any] = {"text": cleaned}
        if document is not None:
            data["document_file_id"], data["document_name"] = document[0], document[1]
        await dialogs.save(uow.session, user.user_id, DialogState(FLOW, "audience", data))
        await uow.commit()


async def choices(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], kind: str) -> list[Choice]:
    """The plans, institutions or stages staff may pick from for an audience of that kind."""
    async with db.uow() as uow:
        await require_staff(uow.session, who, staff_ids)
        if kind == "plan":
            plans = await uow.session.execute(
                select(Plan.id, Plan.name).where(Plan.status != "archived").order_by(Plan.id.desc()).limit(20)
            )
            return [Choice(name, str(pid)) for pid, name in plans.all()]
        if kind == "institution":
            rows = await uow.session.execute(
                select(Institution.id, Institution.name).order_by(Institution.name).limit(40)
            )
            return [Choice(name, str(iid)) for iid, name in rows.all()]
        if kind == "stage":
            return [Choice(t(f"notices.stage.{stage}"), stage) for stage in audiences.STAGES]
    raise InvalidInput("notices.broadcast.bad_audience")


async def _audience_label(session: AsyncSession, audience: Audience) -> str:
    if audience.kind == "plan" and audience.ref is not None:
        name = await session.scalar(select(Plan.name).where(Plan.id == int(audience.ref)))
        if name is None:
            raise NotFound("notices.broadcast.bad_audience")
        return t("notices.audience.plan", name=name)
    if audience.kind == "institution" and audience.ref is not None:
        name = await session.scalar(select(Institution.name).where(Institution.id == int(audience.ref)))
        if name is None:
            raise NotFound("notices.broadcast.bad_audience")
        return t("notices.audience.institution", name=name)
    if audience.kind == "stage" and audience.ref in audiences.STAGES:
        return t("notices.audience.stage", stage=t(f"notices.stage.{audience.ref}"))
    if audience.kind in ("all", "liaisons"):
        return t(f"notices.audience.{audience.kind}")
    raise InvalidInput("notices.broadcast.bad_audience")


async def choose_audience(
    db: Database, who: TelegramIdentity, staff_ids: frozenset[int], audience: Audience
) -> Preview:
    """Fix the audience and show what confirming would send, with the recipient count."""
    if audience.ref is not None and audience.kind in ("plan", "institution") and not audience.ref.isdigit():
        raise InvalidInput("notices.broadcast.bad_audience")
    async with db.uow() as uow:
        user = await require_staff(uow.session, who, staff_ids)
        data = await _draft(uow.session, user.user_id)
        if "text" not in data:
            raise Conflict("notices.broadcast.no_draft")
        label = await _audience_label(uow.session, audience)
        people = await audiences.broadcast_audience(uow.session, audience)
        data.update(audience_kind=audience.kind, audience_ref=audience.ref)
        await dialogs.save(uow.session, user.user_id, DialogState(FLOW, "confirm", data))
        await uow.commit()
    return Preview(data["text"], data.get("document_name"), label, len(people))


async def confirm(db: Database, who: TelegramIdentity, staff_ids: frozenset[int], now: datetime) -> Queued:
    """Queue the previewed broadcast: one outbox row per recipient, counted again at this moment."""
    async with db.uow() as uow:
        session = uow.session
        user = await require_staff(session, who, staff_ids)
        data = await _draft(session, user.user_id)
        if "audience_kind" not in data:
            raise Conflict("notices.broadcast.no_draft")
        audience = Audience(data["audience_kind"], data.get("audience_ref"))
        label = await _audience_label(session, audience)
        people = await audiences.broadcast_audience(session, audience)
        if not people:
            raise InvalidInput("notices.broadcast.nobody")
        notice = Notice(
            key=f"broadcast:{uuid.uuid4().hex}",
            kind=KIND,
            text=data["text"],
            document_file_id=data.get("document_file_id"),
            document_name=data.get("document_name"),
            audience={"kind": audience.kind, "ref": audience.ref, "label": label},
            created_by_user_id=user.user_id,
            created_at=now,
        )
        session.add(notice)
        await session.flush()
        # staff see 已阅 receipts for every broadcast, so every recipient gets the button to give one
        count = await outbox.queue(
            session, notice.id, (outbox.Recipient(p.user_id, p.chat_id, ack_required=True) for p in people)
        )
        await dialogs.clear(session, user.user_id)
        await uow.commit()
    return Queued(notice.id, count)


async def cancel(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Drop the draft; nothing was queued."""
    async with db.uow() as uow:
        user = await require_staff(uow.session, who, staff_ids)
        await _draft(uow.session, user.user_id)
        await dialogs.clear(uow.session, user.user_id)
        await uow.commit()
