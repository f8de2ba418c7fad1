"""/plans for staff: list plans, create one by a guided dialog, edit any field, close early, archive."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.plans.views import (
    confirm_markup,
    detail_text,
    list_markup,
    list_text,
    plan_markup,
    prompt_markup,
    prompt_text,
)
from bot.handlers.staff_common import callback_parts, reply, staff_ids, stale
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.normalise import button_number
from core.plans import dialog as plan_dialog
from core.plans import service as plans
from core.plans.dialog import Prompt
from core.plans.rules import parse_plan_draft, plan_phase
from core.plans.views import PlanChange
from core.texts import t
from scheduler.jobs import reschedule


def _actor(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _ask(update: Update, context: Context, prompt: Prompt) -> None:
    services = context.bot_data
    phase = "upcoming"
    if prompt.step == plan_dialog.CONFIRM:
        phase = plan_phase(
            "published", parse_plan_draft(prompt.values), services.clock(), services.settings.timezone
        )
    await reply(update, prompt_text(prompt, phase), reply_markup=prompt_markup(prompt))


async def _saved(update: Update, context: Context, change: PlanChange) -> None:
    """Say what was saved; when a window moved, rebuild the notices and wake delivery for those told."""
    services = context.bot_data
    text = t("plans.dialog.saved", name=change.plan.name)
    if change.moved:
        await reschedule(services)
        if services.delivery is not None:
            services.delivery.wake()
        key = "plans.dialog.rescheduled" if change.told else "plans.dialog.rescheduled_nobody"
        text += "\n" + t(key, count=change.told)
    view = change.plan
    await reply(
        update,
        f"{text}\n\n{detail_text(view.draft, view.phase, dict(view.counts))}",
        reply_markup=plan_markup(view),
    )


async def show_list(update: Update, context: Context, *, archived: bool = False) -> None:
    """/plans: open, upcoming and closed plans with their counts (archived ones on request)."""
    services = context.bot_data
    views = await served(
        update,
        plans.list_plans(
            services.db,
            _actor(update),
            staff_ids(context),
            now=services.clock(),
            tz=services.settings.timezone,
            include_archived=archived,
        ),
    )
    if views is REFUSED:
        return
    await reply(update, list_text(views), reply_markup=list_markup(views, archived_shown=archived))


async def on_command(update: Update, context: Context) -> None:
    """/plans"""
    await show_list(update, context)


async def on_list(update: Update, context: Context) -> None:
    """pl:list and pl:all: back to the list, or the list with archived plans."""
    assert update.callback_query is not None
    await show_list(update, context, archived=update.callback_query.data == "pl:all")


async def on_view(update: Update, context: Context) -> None:
    """pl:v:<plan>: one plan with its buttons."""
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    services = context.bot_data
    view = await served(
        update,
        lambda: plans.get_plan(
            services.db,
            _actor(update),
            staff_ids(context),
            button_number(parts[0]),
            now=services.clock(),
            tz=services.settings.timezone,
        ),
    )
    if view is REFUSED:
        return
    await reply(
        update, detail_text(view.draft, view.phase, dict(view.counts)), reply_markup=plan_markup(view)
    )


async def on_new(update: Update, context: Context) -> None:
    """pl:new: the first question of a new plan."""
    prompt = await served(
        update, plan_dialog.start_create(context.bot_data.db, _actor(update), staff_ids(context))
    )
    if prompt is REFUSED:
        return
    await _ask(update, context, prompt)


async def on_edit(update: Update, context: Context) -> None:
    """pl:e:<plan>:<field>: ask for the new value of one field."""
    parts = callback_parts(update, 2)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    prompt = await served(
        update,
        lambda: plan_dialog.start_edit(
            context.bot_data.db, _actor(update), staff_ids(context), button_number(parts[0]), parts[1]
        ),
    )
    if prompt is REFUSED:
        return
    await _ask(update, context, prompt)


async def _next(update: Update, context: Context, result: Prompt | PlanChange) -> None:
    if isinstance(result, PlanChange):
        await _saved(update, context, result)
    else:
        await _ask(update, context, result)


async def on_text(update: Update, context: Context, state: DialogState) -> None:
    """A typed answer in the dialog; a bad one is explained and the same question stands."""
    message = update.effective_message
    assert message is not None
    if message.text is None:
        await message.reply_text(t("plans.dialog.text_only"))
        return
    services = context.bot_data
    result = await served(
        update,
        plan_dialog.answer(
            services.db,
            _actor(update),
            staff_ids(context),
            message.text,
            services.clock(),
            services.settings.timezone,
        ),
    )
    if result is REFUSED:
        return
    await _next(update, context, result)


async def on_skip(update: Update, context: Context) -> None:
    """pl:skip: no offline training period yet."""
    services = context.bot_data
    result = await served(
        update,
        plan_dialog.skip_training(
            services.db, _actor(update), staff_ids(context), services.clock(), services.settings.timezone
        ),
    )
    if result is REFUSED:
        return
    await _next(update, context, result)


async def on_confirm(update: Update, context: Context) -> None:
    """pl:ok: create the plan the dialog holds."""
    services = context.bot_data
    view = await served(
        update,
        plan_dialog.confirm(
            services.db, _actor(update), staff_ids(context), services.clock(), services.settings.timezone
        ),
    )
    if view is REFUSED:
        return
    await reschedule(services)
    await reply(
        update,
        t("plans.dialog.created", name=view.name, plan_no=view.plan_no),
        reply_markup=plan_markup(view),
    )


async def on_cancel(update: Update, context: Context) -> None:
    """pl:no: drop the draft; nothing was created."""
    done = await served(update, plan_dialog.cancel(context.bot_data.db, _actor(update), staff_ids(context)))
    if done is REFUSED:
        return
    await reply(update, t("plans.dialog.cancelled"))


async def on_end_ask(update: Update, context: Context) -> None:
    """pl:c:<plan> and pl:a:<plan>: ask before closing or archiving."""
    assert update.callback_query is not None
    action = (update.callback_query.data or "").split(":")[1]
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    services = context.bot_data
    view = await served(
        update,
        lambda: plans.get_plan(
            services.db,
            _actor(update),
            staff_ids(context),
            button_number(parts[0]),
            now=services.clock(),
            tz=services.settings.timezone,
        ),
    )
    if view is REFUSED:
        return
    key = "plans.view.close_ask" if action == "c" else "plans.view.archive_ask"
    await reply(update, t(key, name=view.name), reply_markup=confirm_markup(action, view.id))


async def on_end(update: Update, context: Context) -> None:
    """pl:cok:<plan> and pl:aok:<plan>: close early or archive, then rebuild the notices."""
    assert update.callback_query is not None
    action = (update.callback_query.data or "").split(":")[1]
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    services = context.bot_data
    end = plans.close_plan if action == "cok" else plans.archive_plan
    view = await served(
        update,
        lambda: end(
            services.db,
            _actor(update),
            staff_ids(context),
            button_number(parts[0]),
            now=services.clock(),
            tz=services.settings.timezone,
        ),
    )
    if view is REFUSED:
        return
    await reschedule(services)
    key = "plans.view.closed" if action == "cok" else "plans.view.archived"
    await reply(update, t(key, name=view.name), reply_markup=plan_markup(view))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The /plans command and its pl: buttons."""
    return [
        CommandHandler("plans", on_command),
        CallbackQueryHandler(on_list, pattern=r"^pl:(list|all)$"),
        CallbackQueryHandler(on_view, pattern=r"^pl:v:"),
        CallbackQueryHandler(on_new, pattern=r"^pl:new$"),
        CallbackQueryHandler(on_edit, pattern=r"^pl:e:"),
        CallbackQueryHandler(on_skip, pattern=r"^pl:skip$"),
        CallbackQueryHandler(on_confirm, pattern=r"^pl:ok$"),
        CallbackQueryHandler(on_cancel, pattern=r"^pl:no$"),
        CallbackQueryHandler(on_end_ask, pattern=r"^pl:[ca]:"),
        CallbackQueryHandler(on_end, pattern=r"^pl:(cok|aok):"),
    ]


ROUTES = Routes(flows={plan_dialog.FLOW: on_text})
