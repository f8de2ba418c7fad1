"""The outbox's sender: puts claimed rows on the Bot API and turns Telegram's answers into outcomes.

Every bot process runs one worker; on one PostgreSQL they share the outbox without sending a row twice, by
leases on claimed rows and one send budget (core.notices.outbox, core.notices.send_budget).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.db import Database
from core.notices import outbox
from core.notices import reports as broadcast_reports
from core.notices.outbox import Failed, Outcome, Outgoing, Sent, Undeliverable
from core.notices.outbox_worker import DeliveryWorker
from core.texts import t

log = logging.getLogger(__name__)

ACK_PREFIX = "ntc:ack:"


def ack_markup(outbox_id: int) -> InlineKeyboardMarkup:
    """The 已阅 button a liaison presses to acknowledge a notice."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("notices.ack.button"), callback_data=f"{ACK_PREFIX}{outbox_id}")]]
    )


class BotApiSender:
    """Send one outbox row straight to the Bot API over a pooled aiohttp session.

    The worker paces itself, so PTB's rate limiter is not wanted here, and a bare JSON POST costs a fraction
    of the CPU of PTB's httpx request and Message parsing: at 30 msg/s it hardly matters, at the benchmark's
    300 it decides whether one core keeps up.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        token: str,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.session = session
        self.url = f"{base_url}{token}/"
        self.on_outcome = on_outcome  # e.g. the metrics counting sends by result

    async def __call__(self, item: Outgoing) -> Outcome:
        payload: dict[str, Any] = {"chat_id": item.chat_id}
        if item.ack_required:
            payload["reply_markup"] = ack_markup(item.id).to_dict()
        if item.document_file_id is not None:
            method = "sendDocument"
            payload["document"] = item.document_file_id
            if item.text:
                payload["caption"] = item.text
        else:
            method = "sendMessage"
            payload["text"] = item.text
        try:
            async with self.session.post(self.url + method, json=payload) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            outcome: Outcome = Failed(f"network: {type(error).__name__}: {error}"[:200])
        else:
            outcome = outcome_of(body)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome


def outcome_of(body: Any) -> Outcome:
    """Turn a Bot API answer into what the outbox records."""
    if not isinstance(body, dict):
        return Failed("unreadable answer")
    if body.get("ok"):
        return Sent(int(body["result"]["message_id"]))
    code = int(body.get("error_code") or 0)
    description = str(body.get("description") or "")
    if code == 429:
        retry = (body.get("parameters") or {}).get("retry_after", 1)
        return outbox.RetryAfter(float(retry))
    if code == 403:
        return Undeliverable(f"403 {description}", blocked=True)
    if code == 400:
        return Undeliverable(f"400 {description}")
    return Failed(f"{code} {description}")


@dataclass
class Delivery:
    """The running worker, its task and its own HTTP session."""

    worker: DeliveryWorker
    task: asyncio.Task[None]
    session: aiohttp.ClientSession

    def wake(self) -> None:
        """Tell the worker something was queued."""
        self.worker.wake()

    async def stop(self) -> None:
        """Stop the worker (in-flight sends are finished and recorded) and close the connections."""
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        await self.session.close()


def make_session(connections: int) -> aiohttp.ClientSession:
    """A session with as many connections as the worker has senders."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=30),
    )


async def start_delivery(
    db: Database,
    token: str,
    base_url: str,
    *,
    rate: float = 29.0,
    concurrency: int = 8,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Delivery:
    """Start draining the outbox on this event loop; delivery reports are queued as broadcasts finish."""
    session = make_session(concurrency)

    async def after_flush(notice_ids: set[int]) -> None:
        if await broadcast_reports.queue_reports(db, notice_ids):
            worker.wake()

    sender = BotApiSender(session, base_url, token, on_outcome)
    worker = DeliveryWorker(db, sender, rate=rate, concurrency=concurrency, after_flush=after_flush)
    task = asyncio.create_task(worker.run(), name="outbox-delivery")
    return Delivery(worker, task, session)
