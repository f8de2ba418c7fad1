"""The event loop the bot serves on: uvloop where installed (the same asyncio code, less loop overhead)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop constructor, or None for asyncio's own where uvloop is absent (e.g. Windows)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion as asyncio.run does, on the faster loop where available."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
