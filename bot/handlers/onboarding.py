"""The setup checklist staff see on /start until a programme is complete, and its buttons that fix each item.

Items owned by other features are fixed by running their command (e.g. /import_course) exactly as if staff had
typed it, so the button always does what the command does.
"""

from __future__ import annotations

import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.routing import Routes
from core.onboarding import Checklist, Opening
from core.texts import t

STALE = "common.stale_button"

# what each button does: a callback another feature already answers, or a command to run
FIXES: dict[str, str] = {
    "institutions": "stf:imp:institutions",
    "plan": "pl:new",
    "course": "ob:run:import_course",
    "bank": "ob:run:import_questions",
    "blueprint": "ob:run:import_blueprint",
    "batches": "ob:run:batch_new",
}
COMMANDS = frozenset(data.rsplit(":", 1)[1] for data in FIXES.values() if data.startswith("ob:run:"))


def checklist_text(setup: Checklist) -> str:
    """The checklist: each item done with its count, or missing with what fixes it."""
    missing = sum(1 for item in setup.items if not item.done)
    lines = [t("onboarding.header", missing=missing)]
    for item in setup.items:
        if item.done:
            lines.append(t(f"onboarding.done.{item.key}", count=item.count))
        else:
            lines.append(t(f"onboarding.missing.{item.key}"))
    lines.append(t("onboarding.footer"))
    return "\n".join(lines)


def checklist_markup(setup: Checklist) -> InlineKeyboardMarkup:
    """One button per missing item, in setup order."""
    rows = [
        [InlineKeyboardButton(t(f"onboarding.button.{item.key}"), callback_data=FIXES[item.key])]
        for item in setup.items
        if not item.done
    ]
    return InlineKeyboardMarkup(rows)


def opening_text(opening: Opening, contacts: str) -> str:
    """For a candidate: registration opens on a day, or none is scheduled yet; with whom to ask."""
    if opening.open_now:
        return ""
    if opening.opens_on is not None:
        text = t("onboarding.opens_on", plan=opening.plan_name or "", day=opening.opens_on)
    else:
        text = t("onboarding.none_scheduled")
    return f"\n\n{text}\n{contacts}"


async def run_command(update: Update, context: Context) -> None:
    """ob:run:<command>: run the command's own handler as if the staff member had typed it."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    command = (query.data or "").rsplit(":", 1)[-1]
    if command not in COMMANDS or query.message is None:
        await query.answer(t(STALE), show_alert=True)
        return
    await query.answer()
    data = {
        "message_id": query.message.message_id,
        "date": int(time.time()),
        "chat": {"id": query.message.chat.id, "type": "private"},
        "from": update.effective_user.to_dict(),
        "text": f"/{command}",
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command) + 1}],
    }
    typed = Message.de_json(data, context.bot)
    typed_update = Update(update_id=update.update_id, message=typed)
    for group in sorted(context.application.handlers):
        for handler in context.application.handlers[group]:
            if isinstance(handler, CommandHandler) and command in handler.commands:
                found = handler.check_update(typed_update)
                if found:
                    await handler.handle_update(typed_update, context.application, found, context)
                    return
    await query.answer(t(STALE), show_alert=True)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The checklist's buttons for commands other features own."""
    return [CallbackQueryHandler(run_command, pattern=r"^ob:run:")]


ROUTES = Routes()
