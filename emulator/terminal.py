"""A terminal chat with the bot for people ("sandbox" mode), driven by stdin/stdout."""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import sys
import threading
from pathlib import Path
from typing import TextIO

from emulator.state import BotEvent, BotFile, BotMessage
from emulator.user import BotApiEmulator, EmulatedUser, NoBotReply

HELP = (
    "输入文字直接发送；/命令 参数 发送命令；数字 N 按下最近消息的第 N 个按钮；"
    ":photo 路径 发送图片；:file 路径 发送文件；:quit 退出"
)


class _Printer:
    def __init__(self, user: EmulatedUser, out: TextIO, download_dir: Path) -> None:
        self.user = user
        self.out = out
        self.download_dir = download_dir
        self.buttons: list[tuple[int, str]] = []  # (message_id, label) of the last message with buttons

    def write(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def _save(self, message: BotMessage, file: BotFile, default_name: str) -> Path:
        self.download_dir.mkdir(parents=True, exist_ok=True)
        name = Path(file.file_name or default_name).name
        path = self.download_dir / f"{message.message_id}_{name}"
        path.write_bytes(file.data)
        return path

    def show(self, event: BotEvent) -> None:
        message = event.message
        if event.kind == "delete":
            self.write(f"🗑  [#{message.message_id} 已删除]")
            if self.buttons and self.buttons[0][0] == message.message_id:
                self.buttons = []
            return
        tag = f"#{message.message_id}" + (" 已编辑" if event.kind == "edit" else "")
        body = message.content
        self.write(f"🤖 [{tag}] {body}" if body else f"🤖 [{tag}]")
        if message.document is not None and event.kind == "message":
            path = self._save(message, message.document, "document.bin")
            self.write(f"   📄 文件 {message.document.file_name or ''} 已保存到 {path}")
        if message.photo is not None and event.kind == "message":
            path = self._save(message, message.photo, "photo.jpg")
            self.write(f"   🖼  图片已保存到 {path}")
        if message.inline_keyboard:
            self.buttons = [(message.message_id, label) for label in message.buttons]
            numbered: list[str] = []
            n = 0
            for row in message.inline_keyboard:
                parts = []
                for button in row:
                    n += 1
                    parts.append(f"[{n}] {button.text}")
                numbered.append("  ".join(parts))
            for line in numbered:
                self.write("   " + line)
        elif self.buttons and self.buttons[0][0] == message.message_id:
            self.buttons = []
        if event.kind == "message" and message.reply_keyboard:
            rows = " / ".join(" | ".join(row) for row in message.reply_keyboard)
            self.write(f"   ⌨  键盘: {rows}")

    async def run(self) -> None:
        while True:
            try:
                event = await self.user.next_event(timeout=3600.0)
            except NoBotReply:
                continue
            self.show(event)


def _start_reader(stream: TextIO, queue: asyncio.Queue[str | None]) -> threading.Thread:
    loop = asyncio.get_running_loop()

    def read() -> None:
        try:
            for line in stream:
                loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\r\n"))
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except (ValueError, OSError):  # stream closed under us
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:  # the event loop is already closed
            pass

    thread = threading.Thread(target=read, name="terminal-chat-stdin", daemon=True)
    thread.start()
    return thread


def _read_file(path: Path) -> bytes:
    return path.expanduser().read_bytes()


async def _handle_line(line: str, user: EmulatedUser, printer: _Printer) -> None:
    if line.isdigit():
        index = int(line) - 1
        if not 0 <= index < len(printer.buttons):
            printer.write(f"⚠  没有编号为 {line} 的按钮")
            return
        message_id, label = printer.buttons[index]
        answer = await user.press(label, message_id=message_id)
        if answer is not None and answer.text:
            printer.write(f"💬 {'[弹窗] ' if answer.show_alert else ''}{answer.text}")
        return
    if line.startswith((":photo ", ":file ")):
        command, _, raw_path = line.partition(" ")
        path = Path(raw_path.strip())
        try:
            data = await asyncio.to_thread(_read_file, path)
        except OSError as exc:
            printer.write(f"⚠  无法读取文件: {exc}")
            return
        if command == ":photo":
            await user.send_photo(data)
        else:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            await user.send_document(data, path.name, mime)
        return
    if line.startswith("/"):
        command, _, args = line.partition(" ")
        await user.send_command(command, args.strip() or None)
        return
    await user.send_text(line)


async def run_terminal_chat(
    emu: BotApiEmulator,
    user_id: int = 1001,
    first_name: str = "沙盒用户",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    download_dir: str | Path = "data/sandbox-downloads",
) -> None:
    """Chat with the bot as user ``user_id`` until ``:quit`` or end of input."""
    out = stdout if stdout is not None else sys.stdout
    user = emu.user(user_id=user_id, first_name=first_name)
    printer = _Printer(user, out, Path(download_dir))
    printer.write(HELP)
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    _start_reader(stdin if stdin is not None else sys.stdin, queue)
    printer_task = asyncio.create_task(printer.run())
    try:
        while True:
            line = await queue.get()
            if line is None or line.strip() == ":quit":
                break
            line = line.strip()
            if line:
                await _handle_line(line, user, printer)
    finally:
        await asyncio.sleep(0.05)  # let the last bot output reach the screen
        printer_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer_task
