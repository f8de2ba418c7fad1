"""Several bot processes in webhook mode on one database, the emulator spreading updates over them in turn.

The emulator's round-robin target list stands in for the load balancer in front of the processes
(deploy/nginx.conf); each process registers its own webhook URL, and every delivery attempt, a retry
included, goes to the next process in the list, so one that is down hands its share to the others.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence

from bench.load import BotProcess
from emulator import BotApiEmulator

WEBHOOK_SECRET = "bench-webhook-secret_0123456789"
WEBHOOK_PATH = "/telegram/webhook"


def free_port() -> int:
    """A port free right now, so a process's webhook URL is known before it listens there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ClusterBot(BotProcess):
    """One bot process of the cluster: its own port for the webhook, /metrics and /readyz."""

    def __init__(self, api_url: str, database_url: str, port: int) -> None:
        self.port = port
        self.webhook_url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        super().__init__(
            "bot",
            api_url,
            database_url,
            env={"WEB_PORT": str(port), "WEBHOOK_URL": self.webhook_url, "WEBHOOK_SECRET": WEBHOOK_SECRET},
        )

    @property
    def web_url(self) -> str:
        """Base URL of this process's web server."""
        return f"http://127.0.0.1:{self.port}"


class BotCluster:
    """`size` bot processes on one database behind the emulator's round-robin webhook targets."""

    def __init__(self, emulator: BotApiEmulator, database_url: str, size: int) -> None:
        self.emulator = emulator
        self.bots = [ClusterBot(emulator.base_url, database_url, free_port()) for _ in range(size)]
        emulator.webhook.targets = [bot.webhook_url for bot in self.bots]

    async def start(self) -> None:
        """Start the processes one after another: the first is elected to run the scheduled jobs."""
        for bot in self.bots:
            await bot.start()

    async def stop(self) -> None:
        """Stop every process that is still running (SIGTERM: in-hand updates are finished)."""
        for bot in self.bots:
            await bot.stop()

    def cpu_seconds(self, bots: Sequence[BotProcess] | None = None) -> float:
        """CPU time all (or the given) processes have used so far."""
        return sum(bot.cpu_seconds() for bot in bots or self.bots)
