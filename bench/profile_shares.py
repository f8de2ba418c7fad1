"""Where the bot's time goes: a cProfile dump (BENCH_PROFILE, see bench/botproc.py) as shares by library.

    python -m bench.profile_shares FILE.bot [FILE.bot ...]

Own time (tottime) of every function, summed by the package its file belongs to, as a percentage of the
whole, so two profiles of different lengths compare. One column per file, in the order given. cProfile's
clock is wall time: the time the loop sat in epoll waiting for work is left out of the whole (and its share
of the wall time printed last; uvloop's loop is C code, charged whole to asyncio.runners.run, so under
uvloop that line is the loop's own work and its wait together); preemption by other processes is not left
out, and spreads over what ran.
"""

from __future__ import annotations

import pstats
import sys
from collections import defaultdict

# first match wins: (group, fragments of the file path or function name that put a function in it)
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SQLAlchemy (with its greenlet bridge)", ("/sqlalchemy/", "greenlet")),
    (
        "database driver (aiosqlite and its queue, sqlite3, asyncpg)",
        ("/aiosqlite/", "sqlite3", "/asyncpg/", "SimpleQueue"),
    ),
    ("HTTP client: httpx, httpcore, anyio, h11", ("/httpx/", "/httpcore/", "/anyio/", "/h11/", "/sniffio/")),
    ("HTTP client: aiohttp, yarl, multidict", ("/aiohttp/", "/yarl/", "/multidict/", "/aiosignal/")),
    ("JSON (json, orjson)", ("/json/", "orjson")),
    ("python-telegram-bot", ("/telegram/",)),
    (
        "asyncio loop (asyncio, selectors, uvloop)",
        ("/asyncio/", "selectors", "uvloop"),
    ),
    ("sockets (send, recv)", ("_socket.socket",)),
    ("logging", ("/logging/",)),
    ("the project (bot/, core/)", ("/bot/", "/core/", "/scheduler/")),
    ("prometheus-client", ("/prometheus_client/",)),
)


IDLE = "the loop waiting in epoll; under uvloop its whole C loop (left out of the shares above)"


def group_of(path: str, name: str) -> str:
    where = f"{path} {name}"
    if "select.epoll" in where and "poll" in name:
        return IDLE
    if path.endswith("asyncio/runners.py") and name == "run":  # uvloop's C loop is charged to its caller
        return IDLE
    for group, fragments in GROUPS:
        if any(f in where for f in fragments):
            return group
    return "other (stdlib, threads, interpreter)"


def shares(path: str) -> dict[str, float]:
    """Per group, the percentage of all own time in the profile."""
    stats = pstats.Stats(path)
    totals: dict[str, float] = defaultdict(float)
    for (file, _line, name), (_cc, _nc, tottime, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        totals[group_of(file, name)] += tottime
    idle = totals.pop(IDLE, 0.0)
    whole = sum(totals.values()) or 1.0
    out = {group: 100 * seconds / whole for group, seconds in totals.items()}
    out[IDLE] = 100 * idle / (whole + idle)
    return out


def main(paths: list[str]) -> None:
    columns = [shares(p) for p in paths]
    groups = sorted({g for c in columns for g in c} - {IDLE}, key=lambda g: -columns[0].get(g, 0.0))
    groups.append(IDLE)
    print("| " + " | ".join(paths) + " | what |")
    print("|" + "---|" * (len(paths) + 1))
    for group in groups:
        cells = " | ".join(f"{c.get(group, 0.0):.1f} %" for c in columns)
        print(f"| {cells} | {group} |")


if __name__ == "__main__":
    main(sys.argv[1:])
