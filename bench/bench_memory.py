"""Peak resident memory of the bot process with 10,000 approved candidates in the database, under load.

python -m bench.bench_memory [sqlite|postgresql] [IN_DATABASE] [ACTIVE]
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass

from bench.dbs import fresh_database
from bench.journey import Journey, whole_journey
from bench.load import BotProcess, LoadResult, emulator
from bench.seed import approve_with_study, seed
from core.db import Database

TARGET_MB = 200.0


@dataclass(frozen=True)
class MemoryRun:
    """Peak and final resident memory of the bot."""

    backend: str
    in_database: int
    active: int
    peak_mb: float
    idle_mb: float
    failed: int


async def measure_memory(backend: str, in_database: int = 10_000, active: int = 100) -> MemoryRun:
    """Seed `in_database` approved candidates with study credit, then run `active` journeys; read VmHWM."""
    async with fresh_database(backend) as url:
        seeded = await seed(url, in_database + active)
        db = Database(url)
        try:
            for start in range(0, in_database, 1000):
                await approve_with_study(
                    db, seeded, seeded.telegram_ids[start : min(start + 1000, in_database)]
                )
            async with emulator() as emu:
                bot = BotProcess("bot", emu.base_url, url)
                await bot.start()
                try:
                    idle = bot.status("VmRSS") / 1024
                    result = LoadResult()
                    crowd = emu.make_started_users(seeded.telegram_ids[in_database:], "张三")
                    outcomes = await asyncio.gather(
                        *(
                            whole_journey(Journey(u, result), lambda t: approve_with_study(db, seeded, [t]))
                            for u in crowd
                        ),
                        return_exceptions=True,
                    )
                    peak = bot.status("VmHWM") / 1024
                    failed = sum(1 for o in outcomes if isinstance(o, BaseException))
                finally:
                    await bot.stop()
        finally:
            await db.dispose()
    return MemoryRun(backend, in_database, active, peak, idle, failed)


def rows(m: MemoryRun) -> list[dict[str, object]]:
    """Rows for the combined table."""
    return [
        {
            "name": f"[{m.backend}] memory: peak RSS "
            f"({m.in_database} in DB, {m.active} active, {m.failed} failed)",
            "value": f"{m.peak_mb:.0f} (idle {m.idle_mb:.0f})",
            "unit": "MB",
            "target": f"<= {TARGET_MB:.0f}",
            "ratio": round(TARGET_MB / m.peak_mb, 2),
        },
    ]


if __name__ == "__main__":
    args = sys.argv[1:]
    run = asyncio.run(
        measure_memory(
            args[0] if args else "sqlite",
            int(args[1]) if len(args) > 1 else 10_000,
            int(args[2]) if len(args) > 2 else 100,
        )
    )
    for row in rows(run):
        print(row["name"], row["value"], row["unit"])
