"""Routes that several features share: menu items, free-input flows, /start payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import Update

from core.db.dialogs import DialogState

if TYPE_CHECKING:
    from bot.context import Context

MenuAction = Callable[[Update, "Context"], Awaitable[None]]
FlowInput = Callable[[Update, "Context", DialogState], Awaitable[None]]
StartPayload = Callable[[Update, "Context", str], Awaitable[None]]


@dataclass
class Routes:
    """Feature modules add entries; the front end's routers look them up."""

    menu: dict[str, MenuAction] = field(default_factory=dict)
    flows: dict[str, FlowInput] = field(default_factory=dict)
    start_payloads: dict[str, StartPayload] = field(default_factory=dict)
    # per flow, the open step's screen as it stands: a redelivered update saved before a crash shows it
    replays: dict[str, FlowInput] = field(default_factory=dict)

    def merge(self, other: Routes) -> None:
        """Add another feature's routes, refusing a key claimed twice."""
        for mine, theirs in (
            (self.menu, other.menu),
            (self.flows, other.flows),
            (self.start_payloads, other.start_payloads),
            (self.replays, other.replays),
        ):
            for key, action in theirs.items():
                if key in mine:
                    raise ValueError(f"route {key!r} registered twice")
                mine[key] = action  # type: ignore[assignment]
