"""One lever at a time: the same open-loop load on two or more versions of the bot, alternating, in one run.

    python -m bench.bench_levers [--db sqlite] [--candidates 2000] [--rates 30,45] [--seconds 30]
        [--rounds 2] NAME=TREE NAME=TREE ...

Each TREE is a checkout of the bot (e.g. `git archive COMMIT | tar -x -C TREE`): the bot process runs its code
with this interpreter and packages, so two trees differing by one commit measure that commit alone. Versions
alternate round by round on fresh databases, and the bare PTB echo bot runs once per round, so a machine whose
speed drifts (it is shared) drifts for all of them. Bot CPU per answered step is the steadiest figure.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections import defaultdict

from bench.bench_open import Rung, sweep_bot, sweep_echo
from bench.dbs import fresh_database
from bench.load import emulator
from bench.seed import seed


async def one_round(
    backend: str, candidates: int, rates: tuple[float, ...], seconds: float, trees: dict[str, str]
) -> dict[str, list[Rung]]:
    """Every version once, then the echo, each on the whole list of rates (no early stop)."""
    out: dict[str, list[Rung]] = {}
    for name, tree in trees.items():
        async with fresh_database(backend) as url:
            seeded = await seed(url, candidates)
            async with emulator() as emu:
                sweep = await sweep_bot(emu, url, seeded, seconds, rates, tree=tree)
        out[name] = sweep.rungs
        if sweep.first_error:
            print(f"  {name}: first failure: {sweep.first_error}")
    out["echo"] = (await sweep_echo(candidates, seconds, rates)).rungs
    return out


def report(results: dict[str, list[list[Rung]]], rates: tuple[float, ...]) -> None:
    """Per version and rate: medians over rounds of CPU per step, p50 and p99; CPU against the first."""
    names = list(results)
    base = names[0]
    head = f"{'version':<14} {'rate':>5} {'CPU ms/step':>12} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"\n{head} {'CPU vs ' + base:>12}")
    medians: dict[tuple[str, float], tuple[float, float, float]] = {}
    for name in names:
        for i, rate in enumerate(rates):
            rungs = [run[i] for run in results[name] if i < len(run)]
            cpu = statistics.median(r.bot_cpu_ms for r in rungs)
            p50 = statistics.median(r.p50_ms for r in rungs)
            p99 = statistics.median(r.p99_ms for r in rungs)
            medians[name, rate] = (cpu, p50, p99)
            ratio = cpu / medians[base, rate][0] if medians[base, rate][0] else float("nan")
            print(f"{name:<14} {rate:>5.0f} {cpu:>12.1f} {p50:>8.0f} {p99:>8.0f} {ratio:>12.2f}")


async def _main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_levers", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--rates", default="30,45")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("trees", nargs="+", metavar="NAME=TREE")
    args = parser.parse_args()
    trees = dict(item.split("=", 1) for item in args.trees)
    rates = tuple(float(r) for r in args.rates.split(","))
    results: dict[str, list[list[Rung]]] = defaultdict(list)
    for n in range(args.rounds):
        print(f"round {n + 1} of {args.rounds} ({args.db}, {args.candidates} candidates)", flush=True)
        order = dict(reversed(list(trees.items()))) if n % 2 else trees  # alternate who goes first
        for name, rungs in (await one_round(args.db, args.candidates, rates, args.seconds, order)).items():
            results[name].append(rungs)
    ordered = {name: results[name] for name in [*trees, "echo"]}
    report(ordered, rates)


if __name__ == "__main__":
    asyncio.run(_main())
