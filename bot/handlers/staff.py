"""The staff desk as one feature: desk and registries, review queue, rosters, and their flows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import Context
from bot.handlers import staff_desk, staff_review, staff_roster
from bot.routing import Routes
from core.review.desk import IMPORT_FLOW
from core.review.service import REJECT_FLOW


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Every staff command and stf: button."""
    return [*staff_desk.handlers(), *staff_review.handlers(), *staff_roster.handlers()]


ROUTES = Routes(flows={IMPORT_FLOW: staff_desk.on_import_input, REJECT_FLOW: staff_review.on_reason_input})
