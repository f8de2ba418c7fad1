"""Conversation state kept in the database: which flow and step a user is at, with scratch data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import Dialog, User, utcnow


@dataclass(frozen=True, slots=True)
class DialogState:
    """A snapshot of where a user is in a multi-message flow."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def current(db: Database, telegram_id: int) -> DialogState | None:
    """Read the user's open flow, if any, so the front end can route free text to it."""
    async with db.uow() as uow:
        row = await uow.session.execute(
            select(Dialog.flow, Dialog.step, Dialog.data)
            .join(User, User.id == Dialog.user_id)
            .where(User.telegram_id == telegram_id)
        )
        found = row.first()
    if found is None:
        return None
    return DialogState(found.flow, found.step, dict(found.data or {}))


async def load(session: AsyncSession, user_id: int) -> DialogState | None:
    """Read a user's flow inside an existing unit of work."""
    dialog = await session.get(Dialog, user_id)
    if dialog is None:
        return None
    return DialogState(dialog.flow, dialog.step, dict(dialog.data or {}))


async def save(session: AsyncSession, user_id: int, state: DialogState) -> None:
    """Set a user's flow and step inside the caller's unit of work: one UPDATE on every step but the first."""
    values = {"flow": state.flow, "step": state.step, "data": dict(state.data), "updated_at": utcnow()}
    result = await session.execute(update(Dialog).where(Dialog.user_id == user_id).values(**values))
    if getattr(result, "rowcount", 0) == 0:
        session.add(Dialog(user_id=user_id, **values))


async def clear(session: AsyncSession, user_id: int) -> None:
    """Leave any flow inside the caller's unit of work; what the flow saved stays saved."""
    await session.execute(delete(Dialog).where(Dialog.user_id == user_id))
