"""The delivery worker: drains the outbox at Telegram's limits and survives being stopped at any moment.

Pacing is ours, not Telegram's: a global slot every 1/rate seconds and at most one message per chat per
`per_chat_interval`, so 429s are rare; when one comes anyway every sender waits out its retry_after. On
PostgreSQL every process runs a worker: claims draw on the send budget all of them share
(core.notices.send_budget), the rows a worker holds carry its lease, renewed while it works, and every worker
takes back the rows of a process whose lease lapsed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from core.db import Database
from core.db.models import utcnow
from core.notices import outbox
from core.notices.outbox import Failed, Outcome, Outgoing, RetryAfter

log = logging.getLogger(__name__)

Sender = Callable[[Outgoing], Awaitable[Outcome]]
AfterFlush = Callable[[set[int]], Awaitable[None]]
MAX_RATE_LIMIT_RETRIES = 10
T = TypeVar("T")


class Pacer:
    """Hands out send slots: evenly spaced globally, and per chat one at a time, spaced from the last answer.

    Telegram judges a chat's pace by when messages arrive, and a request can spend any time on the way, so
    the next message to a chat waits until the previous one was answered (it has arrived by then) and
    `per_chat_interval` more; spacing dispatches alone lets a delayed message and its successor arrive
    closer together than allowed, which Telegram answers with 429.
    """

    def __init__(self, rate: float, per_chat_interval: float) -> None:
        self.interval = 1.0 / rate
        self.per_chat_interval = per_chat_interval
        self._next = 0.0
        self._chats: dict[int, float] = {}  # when each chat may next be sent to
        self._sending: dict[int, asyncio.Future[None]] = {}  # chats with a message on the wire

    def pause(self, seconds: float) -> None:
        """Hold every sender back after a 429."""
        loop = asyncio.get_running_loop()
        self._next = max(self._next, loop.time() + seconds)

    async def slot(self, chat_id: int) -> None:
        """Wait for this chat's turn, then for the next global slot; call `answered` when the send ends."""
        loop = asyncio.get_running_loop()
        while True:
            on_wire = self._sending.get(chat_id)
            if on_wire is not None:  # wait, never cancel: other senders to this chat wait on it too
                await asyncio.wait({on_wire})
                continue
            now = loop.time()
            ready = self._chats.get(chat_id, 0.0)
            if ready <= now:
                break
            await asyncio.sleep(ready - now)
        self._sending[chat_id] = loop.create_future()
        at = max(now, self._next)
        self._next = at + self.interval
        if at > now:
            try:
                await asyncio.sleep(at - now)
            except asyncio.CancelledError:  # stopping before the send: the chat is free again
                self._sending.pop(chat_id).set_result(None)
                raise
        if len(self._chats) > 50_000:
            self._chats = {c: t for c, t in self._chats.items() if t > now}

    def answered(self, chat_id: int) -> None:
        """The send to this chat is over (answered or failed): the next may go `per_chat_interval` later."""
        self._chats[chat_id] = asyncio.get_running_loop().time() + self.per_chat_interval
        on_wire = self._sending.pop(chat_id, None)
        if on_wire is not None and not on_wire.done():
            on_wire.set_result(None)


class DeliveryWorker:
    """One per process; start with `run()` as a task, wake it after queuing, cancel it to stop."""

    def __init__(
        self,
        db: Database,
        send: Sender,
        *,
        rate: float = 29.0,
        per_chat_interval: float = 1.05,
        concurrency: int = 32,
        flush_interval: float = 0.05,
        poll_interval: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        after_flush: AfterFlush | None = None,
        lease: timedelta = outbox.LEASE,
    ) -> None:
        self.db = db
        self.send = send
        self.rate = rate
        self.pacer = Pacer(rate, per_chat_interval)
        # who holds a claimed row: this process (host and pid) and this worker in it
        self.holder = f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.lease = lease
        self._next_lease_check = 0.0
        self.concurrency = concurrency
        # about a second of sending is claimed ahead, so claiming never starves the senders
        self.prefetch = max(concurrency * 4, int(rate))
        # every outcome wakes the loop to write it (whatever piled up during the last commit goes in one
        # transaction): an outcome not yet written is exactly what a hard crash would send twice
        self.flush_interval = flush_interval
        self.poll_interval = poll_interval
        self.clock = clock
        self.after_flush = after_flush
        self._wake = asyncio.Event()
        self._queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        self._claimed: dict[int, Outgoing] = {}
        self._on_wire: dict[int, asyncio.Future[Outcome]] = {}
        self._results: list[tuple[Outgoing, Outcome]] = []
        self._claiming = False
        self.sent = 0
        self.rate_limited = 0

    def wake(self) -> None:
        """Tell the worker new rows are waiting."""
        self._wake.set()

    async def run(self) -> None:
        """Drain the outbox until cancelled; on cancel, finish what is on the wire and record it."""
        # a lone SQLite process owns every row left 'sending'; on PostgreSQL others may be alive and sending
        recovered = await outbox.recover_interrupted(self.db, self.clock(), lapsed_only=not self.db.is_sqlite)
        if recovered:
            log.warning(
                "outbox: %d rows were mid-send when their process died; sending them again", recovered
            )
        senders = [asyncio.create_task(self._sender()) for _ in range(self.concurrency)]
        try:
            while True:
                try:
                    await self._keep_leases()
                    await self._fill()
                    await self._flush()
                except Exception:  # the database hiccupped: unrecorded outcomes stay buffered, try again
                    log.exception("outbox: database step failed; retrying in a second")
                    await asyncio.sleep(1.0)
                    continue
                if not self._claimed:
                    await self._idle(self.poll_interval)
                else:
                    await self._idle(self.flush_interval)
        except asyncio.CancelledError:
            for task in senders:
                task.cancel()
            await asyncio.gather(*senders, return_exceptions=True)
            await self._drain()
            raise

    async def run_until_empty(self) -> None:
        """Deliver everything due now, then return (tests and benchmarks)."""
        task = asyncio.create_task(self.run())
        try:
            while True:
                await asyncio.sleep(0.05)
                if task.done():
                    task.result()
                if self._idle_now() and not await self._has_due() and self._idle_now():
                    return
        finally:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    def _idle_now(self) -> bool:
        return not (self._claiming or self._claimed or self._results)

    async def _has_due(self) -> bool:
        return await outbox.has_due(self.db, self.clock())

    async def _idle(self, seconds: float) -> None:
        # asyncio.wait, not wait_for: on Python 3.11 wait_for can swallow a cancel that arrives just as the
        # event is set, and the worker would then never stop
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({waiter}, timeout=seconds)
        finally:
            waiter.cancel()
        self._wake.clear()

    async def _keep_leases(self) -> None:
        """Every third of a lease: renew this worker's, and take back rows whose holder stopped renewing."""
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_lease_check:
            return
        self._next_lease_check = loop.time() + self.lease.total_seconds() / 3
        now = self.clock()
        if self._claimed:
            await _completed(outbox.renew(self.db, self.holder, now + self.lease))
        if not self.db.is_sqlite:
            lapsed, _ = await _completed(outbox.recover_interrupted(self.db, now, lapsed_only=True))
            if lapsed:
                log.warning("outbox: %d rows of a process that died are sent again", lapsed)

    async def _fill(self) -> None:
        room = self.prefetch - len(self._claimed)
        if room < self.prefetch // 2:
            return
        self._claiming = True
        try:
            claiming = outbox.claim(
                self.db,
                self.clock(),
                room,
                holder=self.holder,
                lease=self.lease,
                rate=None if self.db.is_sqlite else self.rate,
            )
            items, cancelled = await _completed(claiming)
        finally:
            self._claiming = False
        for item in items:
            self._claimed[item.id] = item
            self._queue.put_nowait(item)
        if cancelled:
            raise asyncio.CancelledError

    async def _sender(self) -> None:
        while True:
            item = await self._queue.get()
            if self._queue.qsize() < self.prefetch // 4:
                self._wake.set()
            outcome = await self._deliver(item)
            self._results.append((item, outcome))
            self._wake.set()

    async def _deliver(self, item: Outgoing) -> Outcome:
        for _ in range(MAX_RATE_LIMIT_RETRIES):
            await self.pacer.slot(item.chat_id)
            future = asyncio.ensure_future(self._safe_send(item))
            future.add_done_callback(functools.partial(self._answered, item.chat_id))
            self._on_wire[item.id] = future
            # if the worker is cancelled here, even just after the answer came, the row stays "on the wire"
            # and _drain records the answer; never release a row whose request may have been made
            outcome = await asyncio.shield(future)
            del self._on_wire[item.id]
            if not isinstance(outcome, RetryAfter):
                return outcome
            self.rate_limited += 1
            log.info("outbox: 429 for chat %s, waiting %.1fs", item.chat_id, outcome.seconds)
            self.pacer.pause(outcome.seconds)
        return Failed("rate limited repeatedly")

    def _answered(self, chat_id: int, _: asyncio.Future[Outcome]) -> None:
        self.pacer.answered(chat_id)

    async def _safe_send(self, item: Outgoing) -> Outcome:
        try:
            return await self.send(item)
        except Exception as error:  # a sender bug must not kill the worker; the row is retried later
            log.exception("outbox: sending row %s failed", item.id)
            return Failed(f"{type(error).__name__}: {error}")

    async def _flush(self) -> None:
        if not self._results:
            return
        batch = self._results[:]
        touched, cancelled = await _completed(outbox.record(self.db, batch, self.clock()))
        del self._results[: len(batch)]
        for item, outcome in batch:
            self._claimed.pop(item.id, None)
            if isinstance(outcome, outbox.Sent):
                self.sent += 1
        if cancelled:
            raise asyncio.CancelledError
        if self.after_flush is not None:
            try:
                await self.after_flush(touched)
            except Exception:
                log.exception("outbox: after-flush hook failed")

    async def _drain(self, grace: float = 10.0) -> None:
        """Let requests already on the wire finish, record every outcome, and un-claim the rest."""
        wire = dict(self._on_wire)
        if wire:
            done, _ = await asyncio.wait(wire.values(), timeout=grace)
            for item_id, future in wire.items():
                if future in done and item_id in self._claimed:
                    self._results.append((self._claimed[item_id], future.result()))
        if self._results:
            batch = self._results[:]
            await _completed(outbox.record(self.db, batch, self.clock()))
            del self._results[: len(batch)]
            for item, _ in batch:
                self._claimed.pop(item.id, None)
        unsent = [item for item_id, item in self._claimed.items() if item_id not in wire]
        await _completed(outbox.release(self.db, unsent))
        for item in unsent:
            self._claimed.pop(item.id, None)
        if self._claimed:
            log.warning("outbox: %d rows still on the wire at shutdown stay 'sending'", len(self._claimed))


async def _completed(work: Awaitable[T]) -> tuple[T, bool]:
    """Run a database step to its end even if the worker is cancelled meanwhile; say whether it was."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task), False
    except asyncio.CancelledError:
        return await task, True
