"""Drive the sandbox as a person does: `python -m bot` in its own process, Debian Chromium via Playwright."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Locator, Page, Playwright, TimeoutError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
URL_LINE = re.compile(r"http://127\.0\.0\.1:\d+/sandbox")
WAIT_MS = 30_000


class SandboxProcess:
    """`python -m bot` without a token, in a folder of its own (its ./data holds chats and the clock)."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
        env.update({"DATABASE_URL": database_url, "WEB_PORT": "0", "PTB_TIMEDELTA": "true"})
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.url = ""

    async def start(self) -> str:
        """Start it and return the one URL it prints."""
        with (self.folder / "sandbox.log").open("ab") as log:  # the child keeps its own copy of the handle
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.folder,
                env=self.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.process.stdout is not None
        printed: list[str] = []
        async with asyncio.timeout(120):
            while True:
                line = (await self.process.stdout.readline()).decode()
                if not line:
                    raise AssertionError(f"the sandbox exited before printing its URL: {printed}")
                printed.append(line)
                found = URL_LINE.search(line)
                if found:
                    self.url = found.group(0)
                    assert sum(bool(URL_LINE.search(p)) for p in printed) == 1
                    return self.url

    async def stop(self) -> int:
        """Quit as Ctrl+C does and return the exit status."""
        process, self.process = self.process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(60):
                return await process.wait()
        except TimeoutError:
            process.kill()
            return await process.wait()


async def open_browser(playwright: Playwright, profile: Path) -> BrowserContext:
    """Debian's Chromium, headless, with a fresh profile and no network of its own."""
    return await playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_FLAGS,
        headless=True,
        viewport={"width": 1280, "height": 860},
        locale="zh-CN",
    )


_NEW_BUBBLE = """([needle, before]) => [...document.querySelectorAll('#messages .msg.in .bubble')]
    .filter((el) => el.textContent.includes(needle)).length > before"""


class Chat:
    """What a person does on the page: read bubbles, type, press buttons, switch persona, move the clock."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def bubbles(self, needle: str) -> Locator:
        return self.page.locator("#messages .msg.in", has=self.page.locator(".bubble", has_text=needle))

    async def after(self, action: Any, needle: str) -> Locator:
        """Do `action` and wait for a new bot bubble containing `needle`; return it."""
        before = await self.bubbles(needle).count()
        await action()
        try:
            await self.page.wait_for_function(_NEW_BUBBLE, arg=[needle, before], timeout=WAIT_MS)
        except TimeoutError:
            await self.shot(f"failed-waiting-for-{needle[:12]}")
            raise
        return self.bubbles(needle).last

    async def say(self, text: str, expect: str) -> Locator:
        async def type_it() -> None:
            await self.page.fill("#text", text)
            await self.page.press("#text", "Enter")

        return await self.after(type_it, expect)

    async def tap(self, label: str, expect: str, exact: bool = True) -> Locator:
        button = (
            self.page.locator("#messages .inline-keyboard")
            .get_by_role("button", name=label, exact=exact)
            .last
        )
        return await self.after(button.click, expect)

    async def key(self, label: str, expect: str) -> Locator:
        button = self.page.locator("#reply-keyboard").get_by_role("button", name=label, exact=True)
        return await self.after(button.click, expect)

    async def upload(self, path: Path, expect: str) -> Locator:
        async def pick() -> None:
            async with self.page.expect_file_chooser() as chooser:
                await self.page.click("#attach-button")
            await (await chooser.value).set_files(str(path))

        return await self.after(pick, expect)

    async def drop(self, name: str, data: bytes, mime: str, expect: str) -> Locator:
        """Drag a file from the desktop onto the chat, as a person would."""

        async def drop_it() -> None:
            transfer = await self.page.evaluate_handle(
                """([name, bytes, mime]) => {
                    const transfer = new DataTransfer();
                    transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
                    return transfer;
                }""",
                [name, list(data), mime],
            )
            for event in ("dragenter", "dragover", "drop"):
                await self.page.dispatch_event("#messages", event, {"dataTransfer": transfer})

        return await self.after(drop_it, expect)

    async def persona(self, name: str) -> None:
        await self.page.locator("#personas li", has_text=name).click()
        await self.page.wait_for_function(
            "(name) => document.getElementById('chat-title').textContent.startsWith(name)", arg=name
        )

    async def clock(self, label: str) -> str:
        """Press a sandbox clock button and return what the clock then says about its offset."""
        before = await self.page.text_content("#clock-offset")
        await self.page.locator(".clock-buttons").get_by_role("button", name=label, exact=True).click()
        await self.page.wait_for_function(
            "(before) => document.getElementById('clock-offset').textContent !== before", arg=before
        )
        return await self.page.text_content("#clock-offset") or ""

    async def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        await self.page.screenshot(path=str(path))
        return path

    def assert_no_script_errors(self) -> None:
        assert not self.errors, self.errors
