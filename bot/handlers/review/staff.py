"""The staff desk as one feature: desk and registries, review queue, rosters, and their flows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import Context
from bot.handlers.review import desk, queue, roster
from bot.routing import Routes
from core.review.desk import IMPORT_FLOW
from core.review.service import REJECT_FLOW


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Every staff command and stf: button."""
    return [*desk.handlers(), *queue.handlers(), *roster.handlers()]


ROUTES = Routes(flows={IMPORT_FLOW: desk.on_import_input, REJECT_FLOW: queue.on_reason_input})
