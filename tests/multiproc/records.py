"""What a multi-process run left behind, read back from the database, the emulator and /metrics."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from bench.journey import UNASKED
from core.db import Database
from core.db.models import (
    AttemptItem,
    Certificate,
    Notice,
    OutboxMessage,
    ProcessedUpdate,
    QuizAttempt,
    Registration,
    User,
)
from core.notices import outbox
from core.texts import t
from emulator import EmulatedUser

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def eventually(check: Callable[[], bool | Awaitable[bool]], *, within: float, what: str) -> None:
    """Wait until `check` holds, polling; fail with `what` if it does not within `within` seconds."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + within
    while True:
        held = check()
        if held if isinstance(held, bool) else await held:
            return
        if loop.time() > give_up:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.2)


async def scrape(web_url: str) -> Samples:
    """Every sample of a process's /metrics, keyed by name and labels."""
    async with ClientSession() as session, session.get(f"{web_url}/metrics") as response:
        assert response.status == 200
        body = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum over every label set that has the given labels."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


@dataclass(frozen=True, slots=True)
class Row:
    """One outbox row: whose, what it says, how far it got."""

    notice_id: int
    chat_id: int
    text: str
    status: str


async def outbox_rows(db: Database) -> list[Row]:
    """Every outbox row with the text its recipient gets."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(
                OutboxMessage.notice_id,
                OutboxMessage.chat_id,
                func.coalesce(OutboxMessage.text, Notice.text, ""),
                OutboxMessage.status,
            ).join(Notice, Notice.id == OutboxMessage.notice_id)
        )
        return [Row(*row) for row in rows.all()]


async def outbox_unfinished(db: Database) -> int:
    """Rows still pending or being sent."""
    async with db.uow() as uow:
        return int(
            await uow.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_((outbox.PENDING, outbox.SENDING)))
            )
            or 0
        )


async def sent_of(db: Database, notice_id: int) -> int:
    """Rows of one notice already sent."""
    async with db.uow() as uow:
        return int(
            await uow.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.notice_id == notice_id, OutboxMessage.status == outbox.SENT)
            )
            or 0
        )


async def in_flight_of(db: Database, pid: int) -> Counter[int]:
    """Rows the process `pid` held 'sending' (claimed, maybe on the wire), by notice: a kill's repeats."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(OutboxMessage.notice_id, func.count())
            .where(OutboxMessage.status == outbox.SENDING, OutboxMessage.claimed_by.like(f"%:{pid}:%"))
            .group_by(OutboxMessage.notice_id)
        )
        return Counter(dict(rows.all()))


async def notices(db: Database) -> dict[int, tuple[str, str, str]]:
    """Every notice: id to (key, kind, status)."""
    async with db.uow() as uow:
        rows = await uow.session.execute(select(Notice.id, Notice.key, Notice.kind, Notice.status))
        return {nid: (key, kind, status) for nid, key, kind, status in rows.all()}


async def processed_update_ids(db: Database) -> list[int]:
    """The update ids recorded as applied, one entry per record."""
    async with db.uow() as uow:
        return list((await uow.session.scalars(select(ProcessedUpdate.update_id))).all())


async def stored_answers(db: Database) -> dict[int, dict[int, list[int]]]:
    """Per Telegram user, the chosen options of every answered question, by position."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(User.telegram_id, AttemptItem.position, AttemptItem.chosen)
            .join(Registration, Registration.user_id == User.id)
            .join(QuizAttempt, QuizAttempt.registration_id == Registration.id)
            .join(AttemptItem, AttemptItem.attempt_id == QuizAttempt.id)
            .where(AttemptItem.chosen.is_not(None))
        )
        stored: dict[int, dict[int, list[int]]] = defaultdict(dict)
        for telegram_id, position, chosen in rows.all():
            stored[telegram_id][position] = list(chosen or [])
        return stored


async def attempts(db: Database) -> dict[int, list[tuple[str, int]]]:
    """Per Telegram user, their attempts' (status, plan id) in order."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(User.telegram_id, QuizAttempt.status, Registration.plan_id)
            .join(Registration, Registration.user_id == User.id)
            .join(QuizAttempt, QuizAttempt.registration_id == Registration.id)
            .order_by(QuizAttempt.id)
        )
        found: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for telegram_id, status, plan_id in rows.all():
            found[telegram_id].append((status, plan_id))
        return found


async def registrations(db: Database, plan_id: int) -> dict[int, list[tuple[str, int]]]:
    """Per Telegram user, their registrations for a plan as (status, certificates on it)."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(User.telegram_id, Registration.status, func.count(Certificate.id))
            .join(Registration, Registration.user_id == User.id)
            .outerjoin(Certificate, Certificate.registration_id == Registration.id)
            .where(Registration.plan_id == plan_id)
            .group_by(User.telegram_id, Registration.id, Registration.status)
        )
        found: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for telegram_id, status, certificates in rows.all():
            found[telegram_id].append((status, certificates))
        return found


def replies_twice_in_a_row(user: EmulatedUser, repeated_after: set[int]) -> int:
    """Confirmations of a saved answer the bot sent twice running: an update handled twice.

    Notices, restart notes and the answer to an action the user repeated (no answer came) are passed over,
    and so are screens: an update applied before and handed out again shows the current step's screen
    (bot/apply_once), which may repeat the one the person saw when the kill came after the reply but before
    the acknowledgement. Its 「已保存」 confirmation is never shown again, so a doubled one is a step applied
    twice; doubled answers, attempts and registrations are counted from the database.
    """
    saved = t("profile.saved", label="", value="").split("「", 1)[0]
    replies = [
        m
        for m in user.messages
        if not m.content.startswith(UNASKED) and m.content != t("common.already_applied")
    ]
    return sum(
        1
        for a, b in itertools.pairwise(replies)
        if a.content == b.content and a.message_id not in repeated_after and a.content.startswith(saved)
    )


def received(users: Iterable[EmulatedUser], text: str) -> Counter[int]:
    """How often each user got a message with exactly this text."""
    return Counter(u.id for u in users for m in u.messages if m.content == text)
