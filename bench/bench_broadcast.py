"""A staff broadcast to 10,000 people through the outbox against the emulator's scaled-up Telegram limits.

    python -m bench.bench_broadcast [RECIPIENTS] [GLOBAL_RATE]

Three runs on fresh SQLite databases: the normal path; the delivery worker cancelled halfway (an abrupt app
stop: in-flight requests finish and are recorded) and a new worker resuming; and a worker process SIGKILLed
halfway (nothing recorded for rows mid-send, which are sent again: at-least-once). Each prints achieved
rate / enforced limit, 429s, lost and duplicated recipients (counted from what the emulator's users got).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.seed import broadcast_to_all
from bot.delivery import BotApiSender, make_session
from core.db import Database
from core.db.migrate import upgrade
from core.db.models import User
from core.notices.outbox_worker import DeliveryWorker
from emulator import BotApiEmulator

TOKEN = "123456789:bench-broadcast-token-emulator-only"
FIRST_ID = 5_000_000
CONCURRENCY = 16
TEXT = "【通知】线下培训安排已发布，请在机器人中查看。"


@dataclass(frozen=True)
class BroadcastResult:
    """What the emulator saw."""

    recipients: int
    limit: float
    achieved: float
    rate_limited: int
    lost: int
    duplicated: int
    seconds: float
    killed_at: int | None = None


async def _seed(db: Database, ids: list[int]) -> None:
    async with db.uow() as uow:
        await uow.session.execute(insert(User), [{"telegram_id": i, "first_name": "用户"} for i in ids])
        await uow.commit()


def _worker(db: Database, emu: BotApiEmulator, rate: float) -> tuple[DeliveryWorker, Any]:
    session = make_session(CONCURRENCY)
    return DeliveryWorker(
        db, BotApiSender(session, emu.base_url, TOKEN), rate=rate, concurrency=CONCURRENCY
    ), session


async def _worker_process(db_url: str, base_url: str, rate: float) -> None:
    """Run a delivery worker forever in this process (the parent SIGKILLs it)."""
    db = Database(db_url)
    session = make_session(CONCURRENCY)
    await DeliveryWorker(db, BotApiSender(session, base_url, TOKEN), rate=rate, concurrency=CONCURRENCY).run()


async def _hard_kill(db_url: str, emu: BotApiEmulator, rate: float, when: int) -> None:
    """Start a worker process and SIGKILL it once `when` messages went out: nothing gets to clean up."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bench_broadcast", "--worker", db_url, emu.base_url, str(rate)
    )
    while emu.stats.messages_sent < when:  # noqa: ASYNC110 (polling the emulator)
        await asyncio.sleep(0.005)
    process.kill()
    await process.wait()


async def measure(
    recipients: int = 10_000, limit: float = 300.0, kill_at: float | None = None, hard: bool = False
) -> BroadcastResult:
    """Broadcast to `recipients` users; with `kill_at` (a fraction) stop the worker there and resume.

    The stop is a task cancellation (an abrupt app stop inside the process) or, with `hard`, SIGKILL of a
    worker process, after which rows caught mid-send are sent again (at-least-once).
    """
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        db = Database(db_url)
        await upgrade(db.engine)
        emu = BotApiEmulator(token=TOKEN, global_rate=limit, per_chat_rate=1.0, sent_log_size=recipients * 3)
        await emu.start()
        try:
            ids = list(range(FIRST_ID, FIRST_ID + recipients))
            emu.make_started_users(ids)
            await _seed(db, ids)
            queued = (await broadcast_to_all(db, TEXT, staff_id=ids[0])).recipients
            assert queued == recipients, queued
            started = time.monotonic()
            killed_at: int | None = None
            worker, client = _worker(db, emu, limit)
            if kill_at is None:
                await worker.run_until_empty()
            elif hard:
                await _hard_kill(db_url, emu, limit, int(recipients * kill_at))
                killed_at = emu.stats.messages_sent
                await worker.run_until_empty()
            else:
                task = asyncio.create_task(worker.run())
                while emu.stats.messages_sent < recipients * kill_at:  # noqa: ASYNC110 (polling the emulator)
                    await asyncio.sleep(0.01)
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                killed_at = emu.stats.messages_sent
                await client.close()
                worker, client = _worker(db, emu, limit)
                await worker.run_until_empty()
            await client.close()
            seconds = time.monotonic() - started
            received = Counter(
                user.id for user in emu.users.values() for m in user.bot_messages.values() if m.text == TEXT
            )
            stamps = sorted(stamp for stamp, chat, _ in emu.sent_log)[:recipients]
            span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
            achieved = (len(stamps) - 1) / span if span > 0 else 0.0
            return BroadcastResult(
                recipients=recipients,
                limit=limit,
                achieved=achieved,
                rate_limited=emu.stats.rate_limited,
                lost=sum(1 for i in ids if received[i] == 0),
                duplicated=sum(1 for i in ids if received[i] > 1),
                seconds=seconds,
                killed_at=killed_at,
            )
        finally:
            await emu.stop()
            await db.dispose()


def _rows(label: str, result: BroadcastResult) -> list[dict[str, Any]]:
    ratio = result.achieved / result.limit
    return [
        {
            "name": f"broadcast{label}: rate / limit",
            "value": round(ratio, 3),
            "unit": "×",
            "target": 0.95,
            "ratio": round(ratio / 0.95, 3),
        },
        {
            "name": f"broadcast{label}: achieved rate",
            "value": round(result.achieved, 1),
            "unit": "msg/s",
            "target": result.limit,
            "ratio": round(ratio, 3),
        },
        {
            "name": f"broadcast{label}: 429s received",
            "value": result.rate_limited,
            "unit": "",
            "target": 0,
            "ratio": None,
        },
        {"name": f"broadcast{label}: lost", "value": result.lost, "unit": "", "target": 0, "ratio": None},
        {
            "name": f"broadcast{label}: duplicated",
            "value": result.duplicated,
            "unit": "",
            "target": 0,
            "ratio": None,
        },
    ]


def run(recipients: int = 10_000, limit: float = 300.0) -> list[dict[str, Any]]:
    """Rows for the combined table: normal path, worker stopped abruptly halfway, worker process SIGKILLed."""
    normal = asyncio.run(measure(recipients, limit))
    killed = asyncio.run(measure(recipients, limit, kill_at=0.5))
    hard = asyncio.run(measure(recipients, limit, kill_at=0.5, hard=True))
    rows = _rows("", normal) + _rows(" (stopped at 50%, resumed)", killed)[2:]
    sigkill = _rows(" (SIGKILL at 50%, resumed)", hard)[2:]
    sigkill[-1]["target"] = "≤ rows mid-send (at-least-once)"
    rows += sigkill
    rows.append(
        {
            "name": "broadcast: wall time (normal / stopped / SIGKILL)",
            "value": f"{normal.seconds:.1f} / {killed.seconds:.1f} / {hard.seconds:.1f}",
            "unit": "s",
            "target": None,
            "ratio": None,
        }
    )
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        asyncio.run(_worker_process(sys.argv[2], sys.argv[3], float(sys.argv[4])))
        raise SystemExit(0)
    args = sys.argv[1:3]
    table = run(int(args[0]) if args else 10_000, float(args[1]) if len(args) > 1 else 300.0)
    for row in table:
        print(f"{row['name']:<52} {row['value']} {row['unit']}  (target {row['target']})")
