"""Drive many emulated users at once and measure what the bot costs per update."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from bench.botproc import TOKEN
from emulator import BotApiEmulator, EmulatedUser


@dataclass
class LoadResult:
    """Counts and latencies of one load run."""

    updates: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


class Step:
    """Time one user action until the bot's next message (or edit) in that chat."""

    def __init__(self, result: LoadResult) -> None:
        self.result = result

    async def __call__(
        self, user: EmulatedUser, action: Awaitable[object], *, expect: str = "message"
    ) -> None:
        began = time.perf_counter()
        await action
        try:
            if expect == "message":
                await user.next_message(timeout=30)
            else:
                await user.next_event(timeout=30)
        except TimeoutError:
            self.result.errors += 1
            return
        self.result.updates += 1
        self.result.latencies.append(time.perf_counter() - began)


async def run_users(
    users: list[EmulatedUser], script: Callable[[EmulatedUser, Step], Awaitable[None]]
) -> LoadResult:
    """Run every user's script at once; wall time covers the whole crowd."""
    result = LoadResult()
    step = Step(result)
    began = time.perf_counter()
    outcomes = await asyncio.gather(*(script(user, step) for user in users), return_exceptions=True)
    result.seconds = time.perf_counter() - began
    result.errors += sum(1 for outcome in outcomes if isinstance(outcome, BaseException))
    return result


@contextlib.asynccontextmanager
async def emulator(**limits: object) -> AsyncIterator[BotApiEmulator]:
    """An emulator for load runs: Telegram's limits off unless asked, so the bot's own cost shows."""
    emu = BotApiEmulator(
        token=TOKEN,
        bot_username="bench_bot",
        global_rate=limits.get("global_rate"),  # type: ignore[arg-type]
        per_chat_rate=limits.get("per_chat_rate"),  # type: ignore[arg-type]
        per_chat_burst=int(limits.get("per_chat_burst", 1000)),  # type: ignore[call-overload]
    )
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


class BotProcess:
    """The bot under test in its own process, so it has a core to itself and can be killed.

    BENCH_BOT_LOG=FILE in the environment appends the bot's stderr (its log) to FILE.
    """

    def __init__(
        self,
        kind: str,
        api_url: str,
        database_url: str | None = None,
        *,
        env: dict[str, str] | None = None,
    ) -> None:
        self.args = [sys.executable, "-m", "bench.botproc", kind, api_url]
        if database_url:
            self.args.append(database_url)
        self.env = {**os.environ, **env} if env else None  # e.g. WEBHOOK_URL for one of several processes
        self.proc: asyncio.subprocess.Process | None = None
        self.log_path = os.environ.get("BENCH_BOT_LOG")

    async def start(self) -> None:
        stderr = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: ASYNC230
        self.proc = await asyncio.create_subprocess_exec(
            *self.args, stdout=subprocess.PIPE, stderr=stderr, env=self.env
        )
        if self.log_path:
            stderr.close()  # type: ignore[union-attr]
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=60)
        if line.strip() != b"ready":
            raise RuntimeError(f"bot process did not start: {line!r}")

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), timeout=30)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def sql_statements(self) -> int:
        """SQL statements the bot has sent so far (the real bot only; see botproc._count_statements)."""
        assert self.proc is not None and self.proc.stdout is not None
        self.proc.send_signal(signal.SIGUSR1)
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=30)
        return int(line.split()[1])

    def cpu_seconds(self) -> float:
        """User plus system CPU time the bot process has used so far."""
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status(self, key: str) -> int:
        """A kB figure from /proc/<pid>/status, e.g. VmHWM (peak resident set) or VmRSS."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise KeyError(key)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid
