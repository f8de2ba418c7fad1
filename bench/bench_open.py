"""Open-loop load: candidates act at a fixed offered rate, thinking between steps, whatever the bot's speed.

    python -m bench.bench_open [CANDIDATES] [sqlite|postgresql] [SECONDS_PER_RATE]

The closed-loop journey (bench_journey) measures throughput: every candidate acts again the moment an answer
comes, so its p99 is the depth of the queue. Here the steps arrive as a Poisson stream of a fixed rate over
all candidates (each step goes to a random candidate whose previous step was answered: its think time), so
latency is the bot's own at that load. Latency runs from the step's scheduled moment, so a harness or bot
falling behind counts against the step. Half the candidates start at the profile (then registration and the
quiz), half were approved beforehand and start at the quiz, so the mix has text answers, button presses
with a new message and in-place redraws. The rates climb a ladder on one bot process; the sweep stops at the
first rate past 60/s whose p99 is over a second (capacity: the highest rate up to which all kept it). The bare
PTB echo bot gets the same ladder with the same number of users in the same run.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bench.dbs import fresh_database
from bench.journey import TIMEOUT, Journey
from bench.load import BotProcess, LoadResult, emulator
from bench.seed import Seeded, approve_with_study, seed
from core.db import Database
from emulator import BotApiEmulator, BotMessage, EmulatedUser

FIXED_RATES = (30.0, 60.0)  # Telegram's own ceiling for replies across chats, and twice that
LADDER = (15.0, 30.0, 45.0, 60.0, 80.0, 100.0, 130.0, 160.0, 200.0, 250.0, 320.0, 400.0, 500.0)
CAPACITY_P99 = 1.0  # seconds
P99_TARGET_MS = 150.0
ECHO_P99_FACTOR = 2.0
WARM_UP = (20.0, 10.0)  # rate, seconds: connections, caches and the first JIT-free paths before measuring


@dataclass
class Rung:
    """One offered rate held for a while, and what came of it."""

    rate: float
    result: LoadResult = field(default_factory=LoadResult)
    offered: int = 0
    unanswered: int = 0  # steps still without an answer when the rung's patience ran out
    starved: int = 0  # arrivals that found every candidate still waiting for an answer
    bot_cpu_ms: float = float("nan")  # per answered step

    @property
    def p50_ms(self) -> float:
        return self.result.p50 * 1000

    @property
    def p99_ms(self) -> float:
        return self.result.percentile(0.99) * 1000

    @property
    def within_capacity(self) -> bool:
        return self.unanswered == 0 and self.result.errors == 0 and self.p99_ms <= CAPACITY_P99 * 1000


class OpenLoop:
    """Release the candidates' steps as a Poisson stream of a fixed rate, to whichever candidate is free."""

    def __init__(self, seed: int = 16) -> None:
        self.rand = random.Random(seed)
        self.free: list[asyncio.Future[tuple[float, Rung]]] = []
        self.someone_free = asyncio.Event()
        self.in_flight = 0
        self.settled = asyncio.Event()
        self.settled.set()

    async def turn(self) -> tuple[float, Rung]:
        """Wait as a free candidate until a step is due; return its scheduled moment and its rung."""
        future: asyncio.Future[tuple[float, Rung]] = asyncio.get_running_loop().create_future()
        self.free.append(future)
        self.someone_free.set()
        return await future

    def step_over(self) -> None:
        """A released candidate finished its step (answered, failed or gave up)."""
        self.in_flight -= 1
        if self.in_flight == 0:
            self.settled.set()

    async def hold(self, rung: Rung, seconds: float, patience: float = TIMEOUT + 5) -> Rung:
        """Offer `rung.rate` steps per second for `seconds`, then wait for the answers still due."""
        began = due = time.perf_counter()
        while True:
            due += self.rand.expovariate(rung.rate)
            if due - began >= seconds:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            while not self.free:
                rung.starved += 1
                self.someone_free.clear()
                await self.someone_free.wait()
            pick = self.rand.randrange(len(self.free))
            self.free[pick], self.free[-1] = self.free[-1], self.free[pick]
            future = self.free.pop()
            self.in_flight += 1
            self.settled.clear()
            rung.offered += 1
            future.set_result((due, rung))
        rung.result.seconds = seconds
        try:
            await asyncio.wait_for(self.settled.wait(), patience)
        except TimeoutError:
            rung.unanswered = self.in_flight
        return rung


class PacedJourney(Journey):
    """The scripted journey, each timed step waiting for its turn in the open loop first."""

    def __init__(self, user: EmulatedUser, loop: OpenLoop) -> None:
        super().__init__(user, LoadResult())
        self.loop = loop
        self.holding = False  # released and not yet back: the step is in flight

    async def _timed(
        self, action: Callable[[], Awaitable[object]], wait: Callable[[], Awaitable[BotMessage]]
    ) -> BotMessage:
        if self.holding:  # the previous step, with the replies it reads after the first, is over
            self.holding = False
            self.loop.step_over()
        due, rung = await self.loop.turn()
        self.holding = True
        await action()
        try:
            message = await wait()
        except TimeoutError:
            rung.result.errors += 1
            raise
        rung.result.updates += 1
        rung.result.latencies.append(time.perf_counter() - due)
        return message

    async def script(self, body: Callable[[], Awaitable[None]]) -> None:
        """Run `body`; whatever its end, the step in flight is over."""
        try:
            await body()
        finally:
            if self.holding:
                self.holding = False
                self.loop.step_over()


class EchoChat(PacedJourney):
    """An echo bot's user under the same loop: a text, its echo, think, again."""

    async def chat(self) -> None:
        n = 0
        while True:
            n += 1
            send = partial(self.user.send_text, f"消息 {n}")
            await self._timed(send, partial(self.user.next_message, self.timeout))


@dataclass
class Sweep:
    """The rungs one bot climbed, and its cost per step."""

    kind: str
    rungs: list[Rung]
    failures: int
    first_error: str | None = None

    def at(self, rate: float) -> Rung | None:
        return next((r for r in self.rungs if r.rate == rate), None)

    @property
    def capacity(self) -> float:
        """The highest offered rate up to which every rate kept its p99 within a second (0 if none)."""
        passed = 0.0
        for rung in self.rungs:
            if not rung.within_capacity:
                break
            passed = rung.rate
        return passed

    @property
    def ceiling(self) -> str:
        """The first rate that failed, or that the ladder ended first."""
        failed = [r.rate for r in self.rungs if not r.within_capacity]
        return f"{failed[0]:.0f}" if failed else "ladder's end"


async def climb(
    loop: OpenLoop,
    bot: BotProcess,
    seconds: float,
    ladder: Iterable[float],
) -> list[Rung]:
    """Warm up, then hold each rate in turn until one misses the capacity bound."""
    await loop.hold(Rung(WARM_UP[0]), WARM_UP[1])
    rungs: list[Rung] = []
    for rate in ladder:
        cpu = bot.cpu_seconds()
        rung = await loop.hold(Rung(rate), seconds)
        if rung.result.updates:
            rung.bot_cpu_ms = (bot.cpu_seconds() - cpu) / rung.result.updates * 1000
        rungs.append(rung)
        kind = bot.args[bot.args.index("bench.botproc") + 1]
        print(
            f"    {kind} {rate:>5.0f}/s: {rung.result.updates} answered, p50 {rung.p50_ms:.0f} ms, "
            f"p99 {rung.p99_ms:.0f} ms, {rung.bot_cpu_ms:.1f} ms CPU/step, unanswered {rung.unanswered}, "
            f"starved {rung.starved}",
            flush=True,
        )
        if not rung.within_capacity and rate >= max(FIXED_RATES):
            break
    return rungs


async def _run_crowd(
    tasks: list[asyncio.Task[None]], loop: OpenLoop, bot: BotProcess, seconds: float, ladder: Iterable[float]
) -> tuple[list[Rung], int, str | None]:
    try:
        rungs = await climb(loop, bot, seconds, ladder)
    finally:
        for task in tasks:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = asyncio.CancelledError
    errors = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, cancelled)]
    first = f"{type(errors[0]).__name__}: {str(errors[0])[:300]}" if errors else None
    return rungs, len(errors), first


async def sweep_bot(
    emu: BotApiEmulator,
    url: str,
    seeded: Seeded,
    seconds: float,
    ladder: Iterable[float],
    tree: str | None = None,
) -> Sweep:
    """The real bot (code from `tree`, else here): half the candidates from the profile on, half the quiz."""
    ids = seeded.telegram_ids
    quiz_first = ids[len(ids) // 2 :]
    db = Database(url)
    try:
        if quiz_first:
            await approve_with_study(db, seeded, quiz_first)
        crowd = emu.make_started_users(ids, "张三")
        bot = BotProcess("bot", emu.base_url, url)
        if tree is not None:
            bot.args[:0] = ["env", "-C", tree]  # the same interpreter and packages, the bot's code from there
        await bot.start()
        try:
            loop = OpenLoop()
            tasks = []
            quiz_set = set(quiz_first)
            for user in crowd:
                journey = PacedJourney(user, loop)
                if user.id in quiz_set:
                    body: Callable[[], Awaitable[None]] = journey.quiz
                else:
                    body = _whole(journey, db, seeded)
                tasks.append(asyncio.create_task(journey.script(body)))
            rungs, failures, first = await _run_crowd(tasks, loop, bot, seconds, ladder)
        finally:
            await bot.stop()
    finally:
        await db.dispose()
    return Sweep("bot", rungs, failures, first)


def _whole(journey: PacedJourney, db: Database, seeded: Seeded) -> Callable[[], Awaitable[None]]:
    async def body() -> None:
        await journey.profile()
        await journey.registration()
        await approve_with_study(db, seeded, [journey.user.id])
        await journey.quiz()

    return body


async def sweep_echo(users: int, seconds: float, ladder: Iterable[float]) -> Sweep:
    """The bare PTB echo bot, the same number of users on the same ladder."""
    async with emulator() as emu:
        bot = BotProcess("echo", emu.base_url)
        await bot.start()
        try:
            loop = OpenLoop()
            crowd = emu.make_started_users(range(1_000_000, 1_000_000 + users))
            chats = [EchoChat(user, loop) for user in crowd]
            tasks = [asyncio.create_task(chat.script(chat.chat)) for chat in chats]
            rungs, failures, first = await _run_crowd(tasks, loop, bot, seconds, ladder)
        finally:
            await bot.stop()
    return Sweep("echo", rungs, failures, first)


@dataclass(frozen=True)
class OpenRun:
    """The bot's sweep and the echo's, from one run."""

    backend: str
    candidates: int
    seconds: float
    bot: Sweep
    echo: Sweep


async def measure_open(
    backend: str, candidates: int, seconds: float = 30.0, ladder: Iterable[float] = LADDER
) -> OpenRun:
    """Seed a fresh database, sweep the real bot, then the echo with as many users."""
    steps = tuple(ladder)
    async with fresh_database(backend) as url:
        seeded = await seed(url, candidates)
        async with emulator() as emu:
            bot = await sweep_bot(emu, url, seeded, seconds, steps)
    echo = await sweep_echo(candidates, seconds, steps)
    return OpenRun(backend, candidates, seconds, bot, echo)


def rows(run: OpenRun) -> list[dict[str, Any]]:
    """Rows for the combined table: p50/p99 at 30 and 60 upd/s against the echo's, and capacity."""
    tag = f"[{run.backend}] open loop ({run.candidates} candidates, {run.seconds:.0f} s per rate)"
    out: list[dict[str, Any]] = []
    for rate in FIXED_RATES:
        bot, echo = run.bot.at(rate), run.echo.at(rate)
        if bot is None or echo is None:
            continue
        out.append(
            {
                "name": f"{tag} at {rate:.0f}/s: p50 / p99",
                "value": f"{bot.p50_ms:.0f} / {bot.p99_ms:.0f}",
                "unit": "ms",
                "target": f"p99 <= {P99_TARGET_MS:.0f}",
                "ratio": round(P99_TARGET_MS / bot.p99_ms, 2) if bot.p99_ms else None,
            }
        )
        out.append(
            {
                "name": f"[{run.backend}]   echo at {rate:.0f}/s, same run: p50 / p99",
                "value": f"{echo.p50_ms:.0f} / {echo.p99_ms:.0f}",
                "unit": "ms",
                "target": f"bot p99 <= {ECHO_P99_FACTOR:.0f} x",
                "ratio": round(ECHO_P99_FACTOR * echo.p99_ms / bot.p99_ms, 2) if bot.p99_ms else None,
            }
        )
        out.append(
            {
                "name": f"[{run.backend}]   at {rate:.0f}/s: bot / echo CPU per step; unanswered",
                "value": f"{bot.bot_cpu_ms:.1f} / {echo.bot_cpu_ms:.1f} ms; {bot.unanswered}",
                "unit": "",
                "target": None,
                "ratio": None,
            }
        )
    bot_cap, echo_cap = run.bot.capacity, run.echo.capacity
    out.append(
        {
            "name": f"{tag}: capacity (p99 <= 1 s), bot / echo",
            "value": f"{bot_cap:.0f} / {echo_cap:.0f}",
            "unit": "upd/s",
            "target": "bot / echo",
            "ratio": round(bot_cap / echo_cap, 2) if echo_cap else None,
        }
    )
    out.append(
        {
            "name": f"[{run.backend}]   first rate over 1 s, bot / echo; failed candidates",
            "value": f"{run.bot.ceiling} / {run.echo.ceiling}; {run.bot.failures}",
            "unit": "upd/s",
            "target": None,
            "ratio": None,
        }
    )
    if run.bot.first_error:
        print(f"  first open-loop failure: {run.bot.first_error}")
    return out


async def _main(candidates: int, backend: str, seconds: float) -> None:
    run = await measure_open(backend, candidates, seconds)
    for row in rows(run):
        print(f"{row['name']:<90} {row['value']} {row['unit']}  ratio={row['ratio']}")


if __name__ == "__main__":
    asyncio.run(
        _main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
            sys.argv[2] if len(sys.argv) > 2 else "sqlite",
            float(sys.argv[3]) if len(sys.argv) > 3 else 30.0,
        )
    )
