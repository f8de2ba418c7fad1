"""Telegram redelivers each update a crashed bot fetched but never confirmed; these records apply it once.

An update id alone cannot say "applied before": ids are not a clock. After a week without updates Telegram
picks the next id at random, and a fresh emulator (the sandbox after a restart) starts again at 1, so an old
record of update 5 must not swallow a new update 5. Each record is therefore keyed by the update id and a
fingerprint of what the update is about (`fingerprint`): the fields a redelivery carries unchanged, because
Telegram resends the very update it stored, and that a new update never shares, because they name one message
or one button press for good. The check needs no ceiling, works whichever process receives the duplicate, and
records are pruned once older than any redelivery.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.db.models import Dialog, ProcessedUpdate, User
from core.db.update_marks import UpdateMark

_MESSAGE_KINDS = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_message",
        "edited_business_message",
    }
)


def _message_identity(message: Mapping[str, Any]) -> list[Any]:
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    return [
        chat.get("id"),
        message.get("message_id"),
        message.get("date"),
        message.get("edit_date"),
        sender.get("id"),
        message.get("text"),
        message.get("caption"),
    ]


def fingerprint(update: Mapping[str, Any]) -> str:
    """Name an update by what a redelivery keeps and a new update cannot share (Bot API JSON in).

    A message (new or edited) is its chat, message id, date, edit date, sender and text: Telegram never reuses
    a message id within a chat, and a new emulator numbering messages from 1 again stamps a later date (or,
    within the same second, most likely a different text). A
    button press is its callback query id together with the presser, the data and the message the button sits
    on (with that message's date), as an emulator's query ids also restart. Any other kind of update is its
    whole payload. The update id is part of the key, so two updates never collide on a shared payload alone.
    """
    update_id = update.get("update_id")
    kind = next((key for key in update if key != "update_id"), "")
    payload = update.get(kind) or {}
    identity: list[Any]
    if kind in _MESSAGE_KINDS and isinstance(payload, Mapping):
        identity = _message_identity(payload)
    elif kind == "callback_query" and isinstance(payload, Mapping):
        message = payload.get("message")
        identity = [
            payload.get("id"),
            (payload.get("from") or {}).get("id"),
            payload.get("data"),
            payload.get("inline_message_id"),
            _message_identity(message) if isinstance(message, Mapping) else None,
        ]
    else:
        identity = [payload]
    text = json.dumps([update_id, kind, identity], sort_keys=True, ensure_ascii=False, default=str)
    # surrogatepass: a lone surrogate (JSON can escape one, UTF-8 cannot hold it) must not stop the update
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


async def was_applied(db: Database, update_id: int, update_fingerprint: str) -> bool:
    """Tell whether this very update was applied before, so a redelivered one is skipped."""
    async with db.uow() as uow:
        found = await uow.session.get(ProcessedUpdate, (update_id, update_fingerprint))
    return found is not None


async def went_on_since(db: Database, update_id: int, update_fingerprint: str, telegram_id: int) -> bool:
    """Tell whether the person's open step changed after this update was applied: they acted again since."""
    async with db.uow() as uow:
        session = uow.session
        applied = await session.scalar(
            select(ProcessedUpdate.processed_at).where(
                ProcessedUpdate.update_id == update_id, ProcessedUpdate.fingerprint == update_fingerprint
            )
        )
        step_changed = select(Dialog.updated_at).join(User, User.id == Dialog.user_id)
        step = await session.scalar(step_changed.where(User.telegram_id == telegram_id))
    return applied is not None and step is not None and step > applied


async def finish(db: Database, mark: UpdateMark) -> None:
    """Close an update's handling; record it now if no commit did (a read-only step, or one that failed)."""
    pending = mark.pending
    mark.closed = True
    if not pending:
        return
    try:
        async with db.uow() as uow:
            uow.session.add(ProcessedUpdate(update_id=mark.update_id, fingerprint=mark.fingerprint))
            await uow.commit()
    except IntegrityError:  # recorded meanwhile by another instance: the same outcome
        return
    mark.written = True


async def forget_before(db: Database, cutoff: datetime) -> int:
    """Drop records older than any redelivery (Telegram keeps unconfirmed updates for 24 hours)."""
    async with db.uow() as uow:
        stale = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
        result = await uow.session.execute(stale)
        await uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)
