"""An in-process Telegram Bot API emulator for end-to-end tests, the sandbox and benchmarks."""

from emulator.server import BotApiEmulator
from emulator.state import BotEvent, BotFile, BotMessage, CallbackAnswer, EmulatorStats, InlineButton
from emulator.user import EmulatedUser, NoBotReply

__all__ = [
    "BotApiEmulator",
    "BotEvent",
    "BotFile",
    "BotMessage",
    "CallbackAnswer",
    "EmulatedUser",
    "EmulatorStats",
    "InlineButton",
    "NoBotReply",
]
