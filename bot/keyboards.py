"""Keyboards built from catalogue labels."""

from __future__ import annotations

from telegram import ReplyKeyboardMarkup

from core.menu import MENU_ITEMS
from core.texts import t


def main_menu() -> ReplyKeyboardMarkup:
    """The portal's menu as a persistent keyboard, three to a row."""
    labels = [t(f"menu.item.{key}") for key in MENU_ITEMS]
    rows = [labels[i : i + 3] for i in range(0, len(labels), 3)]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def menu_label_to_key() -> dict[str, str]:
    """Map each menu label back to its item key."""
    return {t(f"menu.item.{key}"): key for key in MENU_ITEMS}
