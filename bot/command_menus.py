"""Telegram's command menu per role: candidates' in the default scope, staff's and liaisons' per chat."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import BadRequest, Forbidden

from core.db import Database
from core.people.command_menus import MENUS, menu_holders
from core.people.users import Role
from core.texts import t

log = logging.getLogger(__name__)


def commands(role: Role) -> list[BotCommand]:
    """The role's commands with their descriptions from the catalogue."""
    return [BotCommand(name, t(f"command_menu.{name}")) for name in MENUS[role]]


async def publish_for(bot: Bot, chat_id: int, role: Role) -> bool:
    """Give one chat its role's menu (candidates fall back to the default); False if Telegram refused."""
    scope = BotCommandScopeChat(chat_id)
    try:
        if role is Role.CANDIDATE:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(commands(role), scope=scope)
    except (BadRequest, Forbidden) as error:
        log.info("command menu for chat %s not set: %s", chat_id, error)
        return False
    return True


async def publish_all(bot: Bot, db: Database, staff_ids: frozenset[int]) -> int:
    """Set the default menu (candidates) and each staff member's and liaison's own; return chats set."""
    await bot.set_my_commands(commands(Role.CANDIDATE), scope=BotCommandScopeDefault())
    done = 0
    for chat_id, role in await menu_holders(db, staff_ids):
        done += await publish_for(bot, chat_id, role)
    return done
