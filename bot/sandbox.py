"""The local sandbox: the Bot API emulator and the bot in one process, played from a browser page.

`python -m bot` without a token serves http://127.0.0.1:8080/sandbox, where one person can be several
candidates, a staff member and a liaison, and move a sandbox clock forward. Chats, the clock and the
database live in ./data, so quitting and starting again carries on. `--terminal` gives the older
terminal chat instead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.app import build_application, start_polling, stop_polling
from bot.context import App
from bot.handlers.quiz.chat import teller
from bot.sandbox_session import Persona, SandboxSession
from core.clock import SandboxClock
from core.settings import Settings
from core.texts import t
from emulator import BotApiEmulator
from emulator.terminal import run_terminal_chat
from scheduler import quiz_deadlines
from scheduler.jobs import reschedule

SANDBOX_TOKEN = "100000001:SANDBOX-local-emulator-token-000000"
SANDBOX_USER_ID = 10001
SANDBOX_PORT = 8081
HOST = "127.0.0.1"
DATA_DIR = Path("data") / "sandbox"
PERSONAS = (
    Persona(10001, "张三", "candidate"),
    Persona(10002, "李四", "candidate"),
    Persona(10003, "王五", "candidate"),
    Persona(10010, "王老师", "staff"),
    Persona(10020, "赵联络", "liaison"),
)


def _port_or_any(port: int) -> int:
    """The configured port if it is free, else 0 (any free port), so a second checkout still starts."""
    if port == 0:
        return 0
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return 0
    return port


async def _start_emulator() -> BotApiEmulator:
    emulator = BotApiEmulator(
        token=SANDBOX_TOKEN, bot_username="examiner_sandbox_bot", bot_first_name="考评员培训（体验）"
    )
    await emulator.start(host=HOST, port=_port_or_any(SANDBOX_PORT))
    return emulator


async def clock_moved(app: App) -> None:
    """Run the scheduler's idempotent passes at the new sandbox time: quiz time limits, then notices."""
    await quiz_deadlines.arm_all(app.bot_data, teller(app))  # hands in attempts whose time is now up
    await reschedule(app.bot_data)


def _wait_for_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


@dataclass
class RunningSandbox:
    """The emulator, the bot polling it and the page's session, started together."""

    app: App
    emulator: BotApiEmulator
    session: SandboxSession

    @property
    def url(self) -> str:
        """The one address to open in a browser."""
        return f"http://{HOST}:{self.app.bot_data.web_port}/sandbox"

    async def stop(self) -> None:
        """Stop the bot, save the chats and the clock, then stop the emulator."""
        try:
            await stop_polling(self.app)
        finally:
            await self.session.close()
            await self.emulator.stop()


async def start_sandbox(settings: Settings, folder: Path = DATA_DIR) -> RunningSandbox:
    """Start the emulator (resuming saved chats), then the bot against it with the sandbox clock and page."""
    clock = SandboxClock()
    emulator = await _start_emulator()
    session = SandboxSession(emulator, clock, PERSONAS, folder)
    session.load()
    staff = frozenset(p.id for p in PERSONAS if p.role == "staff")
    local = dataclasses.replace(
        settings,
        bot_api_url=emulator.base_url,
        staff_ids=settings.staff_ids | staff,
        web_host=HOST,
        web_port=_port_or_any(settings.web_port),
    )
    app = build_application(local, token=SANDBOX_TOKEN, seed_demo=True)
    app.bot_data.clock = clock
    app.bot_data.sandbox = session
    session.after_jump = lambda: clock_moved(app)
    try:
        await start_polling(app)
    except BaseException:
        await session.close()
        await emulator.stop()
        raise
    return RunningSandbox(app, emulator, session)


async def run_page(settings: Settings, folder: Path = DATA_DIR) -> None:
    """Serve the sandbox page until SIGINT or SIGTERM, saving the chats and the clock on the way out."""
    stop = _wait_for_signal()
    sandbox = await start_sandbox(settings, folder)
    print(t("sandbox.started", url=sandbox.url), flush=True)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()


async def run_terminal(settings: Settings) -> None:
    """Chat in this terminal as one user who is both candidate and staff."""
    emulator = await _start_emulator()
    local = dataclasses.replace(
        settings, bot_api_url=emulator.base_url, staff_ids=settings.staff_ids | {SANDBOX_USER_ID}
    )
    app = build_application(local, token=SANDBOX_TOKEN, seed_demo=True)
    print(t("sandbox.started_terminal", api=emulator.base_url), file=sys.stderr)
    await start_polling(app)
    try:
        await run_terminal_chat(emulator, user_id=SANDBOX_USER_ID, first_name="体验用户")
    finally:
        await stop_polling(app)
        await emulator.stop()


def main(settings: Settings, terminal: bool = False) -> None:
    """Run the sandbox page (or, with terminal=True, the terminal chat) until the person quits."""
    asyncio.run(run_terminal(settings) if terminal else run_page(settings))
