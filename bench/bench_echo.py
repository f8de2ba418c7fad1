"""The floor: a bare python-telegram-bot echo bot against the same emulator.

python -m bench.bench_echo [USERS] [MESSAGES_PER_USER]
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from bench.load import BotProcess, LoadResult, Step, emulator, run_users
from emulator import EmulatedUser


async def measure_echo(users: int = 2000, messages: int = 10) -> LoadResult:
    """Each user sends `messages` texts one after another, waiting for each echo."""
    async with emulator() as emu:
        bot = BotProcess("echo", emu.base_url)
        await bot.start()
        try:
            crowd = emu.make_started_users(range(1_000_000, 1_000_000 + users))

            async def script(user: EmulatedUser, step: Step) -> None:
                for n in range(messages):
                    await step(user, user.send_text(f"消息 {n}"))

            return await run_users(crowd, script)
        finally:
            await bot.stop()


def run(users: int = 2000, messages: int = 10) -> list[dict[str, Any]]:
    """Rows for the combined table."""
    result = asyncio.run(measure_echo(users, messages))
    return [
        {
            "name": "bare PTB echo: updates/s",
            "value": round(result.rate, 1),
            "unit": "upd/s",
            "target": None,
            "ratio": None,
        },
        {
            "name": "bare PTB echo: p50 / p99 latency",
            "value": f"{result.p50 * 1000:.0f} / {result.percentile(0.99) * 1000:.0f}",
            "unit": "ms",
            "target": None,
            "ratio": None,
        },
        {"name": "bare PTB echo: errors", "value": result.errors, "unit": "", "target": 0, "ratio": None},
    ]


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    for row in run(*args):
        print(f"{row['name']:<40} {row['value']} {row['unit']}")
