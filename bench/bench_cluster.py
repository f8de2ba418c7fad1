"""Journey throughput with one and with two bot processes in webhook mode on one PostgreSQL, in one run.

python -m bench.bench_cluster [CANDIDATES]

Both runs are alike but for the number of processes: a fresh database seeded the same, the emulator
spreading webhook deliveries over the processes in turn, every candidate's whole journey at once. The ratio
says what a second process buys on this machine; with two cores shared by the harness, the emulator,
PostgreSQL and the bots, it is bounded well below 2.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass

from bench.bench_journey import drive
from bench.cluster import BotCluster
from bench.dbs import fresh_database
from bench.load import LoadResult, emulator
from bench.seed import seed


@dataclass(frozen=True)
class ClusterRun:
    """One journey run over `processes` bot processes."""

    processes: int
    candidates: int
    result: LoadResult
    bot_cpu: float
    delivered: tuple[int, ...]  # updates acknowledged by each process
    first_error: str | None


async def measure_cluster(processes: int, candidates: int) -> ClusterRun:
    """Seed a fresh PostgreSQL database, start `processes` webhook bots and run every journey at once."""
    async with fresh_database("postgresql") as url:
        seeded = await seed(url, candidates)
        async with emulator() as emu:
            cluster = BotCluster(emu, url, processes)
            await cluster.start()
            try:
                result = LoadResult()
                cpu_before = cluster.cpu_seconds()
                began = time.perf_counter()
                failures = await drive(emu, url, seeded, result, seeded.telegram_ids)
                result.seconds = time.perf_counter() - began
                bot_cpu = cluster.cpu_seconds() - cpu_before
            finally:
                await cluster.stop()
            delivered = tuple(emu.webhook.delivered_by_target[bot.webhook_url] for bot in cluster.bots)
    errors = [f for f in failures if f is not None]
    result.errors = len(errors)
    first = f"{type(errors[0]).__name__}: {str(errors[0])[:300]}" if errors else None
    return ClusterRun(processes, candidates, result, bot_cpu, delivered, first)


async def measure_pair(candidates: int) -> tuple[ClusterRun, ClusterRun]:
    """The same journey with one process, then with two, back to back."""
    one = await measure_cluster(1, candidates)
    two = await measure_cluster(2, candidates)
    return one, two


def rows(one: ClusterRun, two: ClusterRun) -> list[dict[str, object]]:
    """Rows for the combined table: both rates and their ratio."""
    tag = f"[postgresql] webhook journey ({one.candidates} candidates)"
    ratio = two.result.rate / one.result.rate if one.result.rate else 0.0
    for run in (one, two):
        if run.first_error:
            print(f"  first failure with {run.processes} process(es): {run.first_error}")
    return [
        {
            "name": f"{tag}: 1 process, updates/s",
            "value": round(one.result.rate, 1),
            "unit": "upd/s",
            "target": None,
            "ratio": None,
        },
        {
            "name": f"{tag}: 2 processes, updates/s (delivered {' / '.join(map(str, two.delivered))})",
            "value": round(two.result.rate, 1),
            "unit": "upd/s",
            "target": "> 1 x one process",
            "ratio": round(ratio, 2),
        },
        {
            "name": f"{tag}: failed journeys (1 / 2 processes)",
            "value": f"{one.result.errors} / {two.result.errors}",
            "unit": "",
            "target": "0 / 0",
            "ratio": None,
        },
        {
            "name": f"{tag}: bot CPU per update (1 / 2 processes)",
            "value": f"{_per_update(one):.1f} / {_per_update(two):.1f}",
            "unit": "ms",
            "target": None,
            "ratio": None,
        },
    ]


def _per_update(run: ClusterRun) -> float:
    return run.bot_cpu / run.result.updates * 1000 if run.result.updates else float("nan")


async def _main(candidates: int) -> None:
    one, two = await measure_pair(candidates)
    for row in rows(one, two):
        print(f"{row['name']:<90} {row['value']} {row['unit']}  ratio={row['ratio']}")


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
