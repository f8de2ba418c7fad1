"""An in-process Telegram Bot API emulator for end-to-end tests, the sandbox and benchmarks."""

from emulator.state import BotEvent, BotFile, BotMessage, CallbackAnswer, EmulatorStats, InlineButton
from emulator.user import BotApiEmulator, EmulatedUser, NoBotReply

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
