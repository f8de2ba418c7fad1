"""The persistent outbox: one row per (notice, recipient), claimed, sent and recorded exactly as it went.

Delivery is at-least-once for the one ambiguous case. A row is 'sending' only between its claim and the
recording of its outcome; a graceful stop (task cancelled, app shut down) lets in-flight requests finish and
records them, and returns unsent claims to 'pending'. Only a hard death of the process (SIGKILL, power loss)
can leave rows in 'sending' whose message may or may not have reached Telegram; those rows are sent again,
because a repeated notice costs a reader a second glance while a lost deadline notice can cost a candidate
the programme.

Every bot process on one PostgreSQL drains the same outbox. A claim takes rows `FOR UPDATE SKIP LOCKED`, so
two processes never claim the same row, and stamps them with its holder and a lease that the holder renews
while it works through them (`renew`). Rows whose lease lapsed belong to a process that died; any process
returns them to 'pending' (`recover_interrupted`), so only those are sent a second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Notice, OutboxMessage, User
from core.notices.send_budget import take as take_budget

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
UNDELIVERABLE = "undeliverable"
MAX_ATTEMPTS = 5
MAX_ERROR = 200
LEASE = timedelta(seconds=30)  # a holder renews every third of it; after it lapses the rows are resent


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets a notice: the user row, their chat, and an optional text of their own."""

    user_id: int
    chat_id: int
    text: str | None = None
    ack_required: bool = False


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed row, with everything the sender needs to put it on the wire."""

    id: int
    notice_id: int
    chat_id: int
    text: str
    document_file_id: str | None
    ack_required: bool
    attempts: int


@dataclass(frozen=True, slots=True)
class Sent:
    """Telegram accepted the message."""

    message_id: int


@dataclass(frozen=True, slots=True)
class RetryAfter:
    """Telegram said 429: wait this many seconds, then send the same row again."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Undeliverable:
    """Telegram refused for good (403 blocked, 400 chat not found, bad content)."""

    reason: str
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Failed:
    """A transient failure (network, 5xx): try again later, up to MAX_ATTEMPTS."""

    reason: str


Outcome = Sent | RetryAfter | Undeliverable | Failed


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """How far a notice's delivery has come."""

    total: int
    sent: int
    undeliverable: int
    pending: int
    acked: int


async def queue(session: AsyncSession, notice_id: int, recipients: Iterable[Recipient]) -> int:
    """Record one outbox row per distinct recipient of a notice inside the caller's transaction."""
    seen: set[int] = set()
    rows = []
    for recipient in recipients:
        if recipient.user_id in seen:
            continue
        seen.add(recipient.user_id)
        rows.append(
            {
                "notice_id": notice_id,
                "user_id": recipient.user_id,
                "chat_id": recipient.chat_id,
                "text": recipient.text,
                "ack_required": recipient.ack_required,
                "status": PENDING,
                "attempts": 0,
            }
        )
    for start in range(0, len(rows), 2000):
        await session.execute(insert(OutboxMessage), rows[start : start + 2000])
    return len(rows)


async def recover_interrupted(db: Database, now: datetime | None = None, *, lapsed_only: bool = False) -> int:
    """Return rows a dead process left 'sending' to 'pending' (at-least-once); count them.

    With `lapsed_only`, only rows whose lease ran out before `now`: other live processes hold the rest. A lone
    process that owns its database (SQLite) takes back every row at start-up, without waiting for leases.
    """
    query = update(OutboxMessage).where(OutboxMessage.status == SENDING)
    if lapsed_only:
        query = query.where(OutboxMessage.lease_until.is_(None) | (OutboxMessage.lease_until < now))
    async with db.uow() as uow:
        result = await uow.session.execute(
            query.values(
                status=PENDING,
                claimed_by=None,
                lease_until=None,
                last_error="interrupted: sent again after its process died",
            )
        )
        await uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)


async def claim(
    db: Database,
    now: datetime,
    limit: int,
    *,
    holder: str = "",
    lease: timedelta = LEASE,
    rate: float | None = None,
) -> list[Outgoing]:
    """Mark up to `limit` due pending rows 'sending' for `holder` until `now + lease`, oldest first.

    With `rate`, no more rows than the send budget shared by all processes allows (core.notices.send_budget).
    """
    async with db.uow() as uow:
        session = uow.session
        budget = None
        if rate is not None:
            budget = await take_budget(session, now, rate, limit)
            limit = budget.granted
            if limit == 0:
                await uow.commit()
                return []
        query = (
            select(
                OutboxMessage.id,
                OutboxMessage.notice_id,
                OutboxMessage.chat_id,
                func.coalesce(OutboxMessage.text, Notice.text, ""),
                Notice.document_file_id,
                OutboxMessage.ack_required,
                OutboxMessage.attempts,
            )
            .join(Notice, Notice.id == OutboxMessage.notice_id)
            .where(OutboxMessage.status == PENDING)
            .where((OutboxMessage.not_before.is_(None)) | (OutboxMessage.not_before <= now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        found = (await session.execute(query)).all()
        won: set[int] = set()
        if found:
            claimed = await session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row[0] for row in found]), OutboxMessage.status == PENDING)
                .values(
                    status=SENDING,
                    attempts=OutboxMessage.attempts + 1,
                    claimed_by=holder or None,
                    lease_until=now + lease,
                )
                .returning(OutboxMessage.id)
            )
            won = set(claimed.all())
        if budget is not None:
            budget.spend(len(won))
        await uow.commit()
    return [
        Outgoing(row[0], row[1], row[2], row[3], row[4], row[5], row[6] + 1) for row in found if row[0] in won
    ]


async def renew(db: Database, holder: str, until: datetime) -> int:
    """Extend the lease on every row `holder` still has 'sending', so nobody takes it for dead."""
    async with db.uow() as uow:
        result = await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claimed_by == holder, OutboxMessage.status == SENDING)
            .values(lease_until=until)
        )
        await uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)


UNCLAIMED: dict[str, object] = {"claimed_by": None, "lease_until": None}


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 600))


async def record(db: Database, outcomes: Sequence[tuple[Outgoing, Outcome]], now: datetime) -> set[int]:
    """Write what happened to each sent row in one transaction; return the notices touched."""
    if not outcomes:
        return set()
    changes: list[dict[str, object]] = []
    blocked_chats: list[int] = []
    for item, outcome in outcomes:
        if isinstance(outcome, Sent):
            changes.append(
                {
                    "id": item.id,
                    "status": SENT,
                    "message_id": outcome.message_id,
                    "sent_at": now,
                    "last_error": None,
                }
            )
        elif isinstance(outcome, Undeliverable):
            changes.append({"id": item.id, "status": UNDELIVERABLE, "last_error": outcome.reason[:MAX_ERROR]})
            if outcome.blocked:
                blocked_chats.append(item.chat_id)
        elif isinstance(outcome, Failed) and item.attempts >= MAX_ATTEMPTS:
            changes.append({"id": item.id, "status": UNDELIVERABLE, "last_error": outcome.reason[:MAX_ERROR]})
        else:
            reason = outcome.reason if isinstance(outcome, Failed) else "rate limited"
            changes.append(
                {
                    "id": item.id,
                    "status": PENDING,
                    "not_before": now + _backoff(item.attempts),
                    "last_error": reason[:MAX_ERROR],
                }
            )
    for change in changes:
        change.update(UNCLAIMED)
    async with db.uow() as uow:
        await uow.session.execute(update(OutboxMessage), changes)
        if blocked_chats:
            await uow.session.execute(
                update(User).where(User.telegram_id.in_(blocked_chats)).values(blocked_bot=True)
            )
        await uow.commit()
    return {item.notice_id for item, _ in outcomes}


async def release(db: Database, items: Sequence[Outgoing]) -> None:
    """Give claimed rows that were never put on the wire back to 'pending', as if never claimed."""
    if not items:
        return
    async with db.uow() as uow:
        await uow.session.execute(
            update(OutboxMessage),
            [
                {"id": item.id, "status": PENDING, "attempts": item.attempts - 1, **UNCLAIMED}
                for item in items
            ],
        )
        await uow.commit()


async def counts(session: AsyncSession, notice_ids: Sequence[int]) -> dict[int, DeliveryCounts]:
    """Delivery counts per notice, for reports."""
    rows = await session.execute(
        select(
            OutboxMessage.notice_id,
            OutboxMessage.status,
            func.count(),
            func.count(OutboxMessage.acked_at),
        )
        .where(OutboxMessage.notice_id.in_(notice_ids))
        .group_by(OutboxMessage.notice_id, OutboxMessage.status)
    )
    tally: dict[int, dict[str, int]] = {nid: {} for nid in notice_ids}
    for notice_id, status, number, acked in rows:
        tally[notice_id][status] = tally[notice_id].get(status, 0) + number
        tally[notice_id]["acked"] = tally[notice_id].get("acked", 0) + acked
    return {
        nid: DeliveryCounts(
            total=sum(v for k, v in t.items() if k != "acked"),
            sent=t.get(SENT, 0),
            undeliverable=t.get(UNDELIVERABLE, 0),
            pending=t.get(PENDING, 0) + t.get(SENDING, 0),
            acked=t.get("acked", 0),
        )
        for nid, t in tally.items()
    }


async def has_due(db: Database, now: datetime) -> bool:
    """Tell whether any row is waiting to be claimed now."""
    async with db.uow() as uow:
        found = await uow.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == PENDING)
            .where((OutboxMessage.not_before.is_(None)) | (OutboxMessage.not_before <= now))
            .limit(1)
        )
    return found is not None
