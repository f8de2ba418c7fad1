"""Run every benchmark and print one table, on SQLite and on PostgreSQL.

python -m bench                       # 2,000 candidates, both databases (long: see bench/RESULTS.md)
python -m bench --quick               # a smoke run: a few candidates, small broadcast
python -m bench --candidates 100 --db sqlite
python -m bench --db postgresql --skip journey --skip crash --skip memory --skip others   # 1 vs 2 processes
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import time
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

from bench import bench_cluster, bench_crash, bench_journey, bench_memory, bench_open
from bench.bench_echo import measure_echo

Row = dict[str, Any]


def _safe(name: str, make: Callable[[], list[Row]]) -> list[Row]:
    """Rows from one benchmark, or one row saying it is not available and why."""
    began = time.perf_counter()
    try:
        rows = make()
    except Exception as error:
        traceback.print_exc()
        return [
            {
                "name": f"{name}: not available",
                "value": f"{type(error).__name__}: {str(error)[:80]}",
                "unit": "",
                "target": None,
                "ratio": None,
            }
        ]
    print(f"  … {name} done in {time.perf_counter() - began:.0f} s", flush=True)
    return rows


def _journey_and_echo(backend: str, candidates: int) -> list[Row]:
    run = asyncio.run(bench_journey.measure_journey(backend, candidates))
    echo = asyncio.run(measure_echo(candidates, 10))
    rows = bench_journey.rows(run, echo)
    per_update = run.bot_cpu / run.result.updates * 1000 if run.result.updates else float("nan")
    rows.append(
        {
            "name": f"[{backend}] journey: bot CPU per update / harness CPU",
            "value": f"{per_update:.1f} ms / {run.harness_cpu:.0f} s",
            "unit": "",
            "target": None,
            "ratio": None,
        }
    )
    rows.append(
        {
            "name": f"[{backend}] journey: SQL statements per update",
            "value": round(run.sql_statements / run.result.updates, 1) if run.result.updates else "-",
            "unit": "stmt",
            "target": None,
            "ratio": None,
        }
    )
    if run.first_error:
        print(f"  first journey failure: {run.first_error}")
    return rows


def _open(backend: str, candidates: int, seconds: float) -> list[Row]:
    return bench_open.rows(asyncio.run(bench_open.measure_open(backend, candidates, seconds)))


def _crash(backend: str, candidates: int, kills: int) -> list[Row]:
    return bench_crash.rows(asyncio.run(bench_crash.measure_crash(backend, candidates, kills)))


def _cluster(candidates: int) -> list[Row]:
    return bench_cluster.rows(*asyncio.run(bench_cluster.measure_pair(candidates)))


def _memory(backend: str, in_database: int, active: int) -> list[Row]:
    return bench_memory.rows(asyncio.run(bench_memory.measure_memory(backend, in_database, active)))


def _other(module: str, **kwargs: Any) -> list[Row]:
    mod = __import__(f"bench.{module}", fromlist=["run"])
    return list(mod.run(**kwargs))


def print_table(rows: list[Row]) -> None:
    """One aligned table: name, value, unit, target, ratio (≥1 meets the target where a ratio applies)."""
    width = max(len(str(r["name"])) for r in rows)
    print(f"\n{'benchmark':<{width}}  {'value':>22}  {'unit':<6} {'target':<18} ratio")
    print("-" * (width + 60))
    for r in rows:
        target = "" if r.get("target") is None else str(r["target"])
        ratio = "" if r.get("ratio") is None else str(r["ratio"])
        print(f"{r['name']:<{width}}  {r['value']!s:>22}  {r['unit']:<6} {target:<18} {ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few candidates, small broadcast")
    parser.add_argument("--candidates", type=int, help="candidates in the journey (default 2000, quick 20)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--kills", type=int, default=4, help="SIGKILLs in the crash run")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("journey", "open", "crash", "memory", "cluster", "others"),
        help="leave a benchmark out (repeatable)",
    )
    parser.add_argument(
        "--open-seconds", type=float, default=30.0, help="seconds per offered rate in the open loop"
    )
    args = parser.parse_args()
    candidates = args.candidates or (20 if args.quick else 2000)
    crash_candidates = max(10, candidates // 4)
    cluster_candidates = max(20, candidates // 4)  # two journey runs, one and two processes
    in_database, active = (1_000, 10) if args.quick else (10_000, 50)
    backends = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"machine: {os.cpu_count()} cores; {_uptime()}", flush=True)
    rows: list[Row] = []
    for backend in backends:
        print(f"[{backend}] running …", flush=True)
        if "journey" not in args.skip:
            rows += _safe(f"[{backend}] journey", partial(_journey_and_echo, backend, candidates))
        if "open" not in args.skip:
            seconds = 5.0 if args.quick else args.open_seconds
            rows += _safe(f"[{backend}] open loop", partial(_open, backend, candidates, seconds))
        if "crash" not in args.skip:
            rows += _safe(f"[{backend}] crash", partial(_crash, backend, crash_candidates, args.kills))
        if "memory" not in args.skip:
            rows += _safe(f"[{backend}] memory", partial(_memory, backend, in_database, active))
        if backend == "postgresql" and "cluster" not in args.skip:  # several processes need PostgreSQL
            rows += _safe("[postgresql] 1 vs 2 processes", partial(_cluster, cluster_candidates))
    if "others" not in args.skip:
        rows += _safe("certificates / export (bench_render)", lambda: _other("bench_render"))
        broadcast = {"recipients": 1_000} if args.quick else {}
        rows += _safe("broadcast (bench_broadcast)", lambda: _other("bench_broadcast", **broadcast))
    print(f"after: {_uptime()}")
    print_table(rows)
    return 0


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    raise SystemExit(main())
