"""N candidates at once through the real bot, against a bare PTB echo bot on the same emulator.

python -m bench.bench_journey [CANDIDATES] [sqlite|postgresql]
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass

from bench.bench_echo import measure_echo
from bench.dbs import fresh_database
from bench.journey import Journey, whole_journey
from bench.load import BotProcess, LoadResult, emulator
from bench.seed import Seeded, approve_with_study, seed
from core.db import Database
from emulator import BotApiEmulator

P99_TARGET_MS = 100.0
RATIO_TARGET = 0.5


@dataclass(frozen=True)
class JourneyRun:
    """One journey load run and what the emulator saw."""

    backend: str
    candidates: int
    result: LoadResult
    get_updates: int
    first_error: str | None
    bot_cpu: float
    harness_cpu: float
    sql_statements: int


async def drive(
    emu: BotApiEmulator, database_url: str, seeded: Seeded, result: LoadResult, ids: list[int]
) -> list[BaseException | None]:
    """Run every candidate's journey at once; return each one's failure or None."""
    db = Database(database_url)
    try:
        crowd = emu.make_started_users(ids, "张三")

        async def one(user: object) -> None:
            await whole_journey(Journey(user, result), lambda t: approve_with_study(db, seeded, [t]))  # type: ignore[arg-type]

        outcomes = await asyncio.gather(*(one(u) for u in crowd), return_exceptions=True)
        return [o if isinstance(o, BaseException) else None for o in outcomes]
    finally:
        await db.dispose()


async def measure_journey(backend: str, candidates: int) -> JourneyRun:
    """Seed a fresh database, start the bot in its own process and run every journey at once."""
    import time

    async with fresh_database(backend) as url:
        seeded = await seed(url, candidates)
        async with emulator() as emu:
            bot = BotProcess("bot", emu.base_url, url)
            await bot.start()
            try:
                result = LoadResult()
                cpu_before, harness_before = bot.cpu_seconds(), time.process_time()
                sql_before = await bot.sql_statements()
                began = time.perf_counter()
                failures = await drive(emu, url, seeded, result, seeded.telegram_ids)
                result.seconds = time.perf_counter() - began
                bot_cpu = bot.cpu_seconds() - cpu_before
                harness_cpu = time.process_time() - harness_before
                sql = await bot.sql_statements() - sql_before
            finally:
                await bot.stop()
        errors = [f for f in failures if f is not None]
        result.errors = len(errors)
        first = f"{type(errors[0]).__name__}: {str(errors[0])[:300]}" if errors else None
        return JourneyRun(
            backend,
            candidates,
            result,
            emu.stats.requests_by_method["getUpdates"],
            first,
            bot_cpu,
            harness_cpu,
            sql,
        )


def rows(run: JourneyRun, echo: LoadResult) -> list[dict[str, object]]:
    """Rows for the combined table."""
    r = run.result
    ratio = r.rate / echo.rate if echo.rate else 0.0
    p99 = r.percentile(0.99) * 1000
    tag = f"[{run.backend}] journey ({run.candidates} candidates)"
    return [
        {
            "name": f"{tag}: updates/s",
            "value": round(r.rate, 1),
            "unit": "upd/s",
            "target": f">= {RATIO_TARGET} x echo",
            "ratio": round(ratio, 2),
        },
        {
            "name": f"{tag}: p50 / p99 per update",
            "value": f"{r.p50 * 1000:.0f} / {p99:.0f}",
            "unit": "ms",
            "target": f"p99 <= {P99_TARGET_MS:.0f}",
            "ratio": round(P99_TARGET_MS / p99, 2) if p99 else None,
        },
        {
            "name": f"{tag}: updates / failed journeys",
            "value": f"{r.updates} / {r.errors}",
            "unit": "",
            "target": "0 failed",
            "ratio": None,
        },
        {
            "name": f"[{run.backend}] bare PTB echo, same run: updates/s",
            "value": round(echo.rate, 1),
            "unit": "upd/s",
            "target": None,
            "ratio": None,
        },
    ]


async def _main(candidates: int, backend: str) -> None:
    run = await measure_journey(backend, candidates)
    echo = await measure_echo(candidates, 10)
    for row in rows(run, echo):
        print(f"{row['name']:<60} {row['value']} {row['unit']}  ratio={row['ratio']}")
    if run.first_error:
        print("first failure:", run.first_error)


if __name__ == "__main__":
    asyncio.run(
        _main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2] if len(sys.argv) > 2 else "sqlite")
    )
