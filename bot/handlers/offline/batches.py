"""Staff create offline training batches and seat candidates who passed online; seated candidates are told."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import callback_parts, notify, reply, stale
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.normalise import button_number
from core.offline import batch_dialog, batches
from core.offline.batch_dialog import BatchDraft
from core.offline.batches import BatchView
from core.texts import t

MESSAGE_LIMIT = 4000


async def reply_lines(update: Update, lines: list[str]) -> None:
    """Send a long list as several messages, each within Telegram's 4096-character limit."""
    assert update.effective_message is not None
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > MESSAGE_LIMIT:
            await update.effective_message.reply_text("\n".join(chunk))
            chunk = []
        chunk.append(line[:MESSAGE_LIMIT])
    if chunk:
        await update.effective_message.reply_text("\n".join(chunk))


def batch_line(view: BatchView) -> str:
    """One batch as a line of the staff list."""
    return t(
        "offline.batch.list_line",
        id=view.id,
        name=view.name,
        day=t("common.date", d=view.day),
        time=view.start_time,
        place=view.place,
        assigned=view.assigned,
        capacity=view.capacity,
    )


async def new_batch(update: Update, context: Context) -> None:
    """/batch_new: a dialog, starting with one button per plan."""
    services = context.bot_data
    assert update.effective_message is not None
    plans = await served(
        update, batch_dialog.start(services.db, identity(update), services.settings.staff_ids)
    )
    if plans is REFUSED:
        return
    rows = [[InlineKeyboardButton(f"{p.plan_no} {p.name}"[:60], callback_data=f"bn:p:{p.id}")] for p in plans]
    await update.effective_message.reply_text(
        t("offline.dialog.choose"), reply_markup=InlineKeyboardMarkup(rows)
    )


def _prompt(draft: BatchDraft) -> tuple[str, InlineKeyboardMarkup | None]:
    """What to ask next, or the summary with its confirm button."""
    values = {
        "plan_no": draft.plan_no,
        "plan": draft.plan_name,
        **{k: str(v) for k, v in draft.values.items()},
    }
    if "day" in values:
        values["day"] = t("common.date", d=date.fromisoformat(values["day"]))
    if draft.step != "confirm":
        return t(f"offline.dialog.ask_{draft.step}", max=batches.MAX_CAPACITY, **values), None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("offline.dialog.confirm_button"), callback_data="bn:ok"),
                InlineKeyboardButton(t("offline.dialog.cancel_button"), callback_data="bn:no"),
            ]
        ]
    )
    return t("offline.dialog.summary", **values), keyboard


async def on_plan(update: Update, context: Context) -> None:
    """A plan button: ask for the date."""
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    services = context.bot_data
    draft = await batch_dialog.choose_plan(
        services.db, identity(update), services.settings.staff_ids, button_number(parts[0])
    )
    text, keyboard = _prompt(draft)
    await reply(update, text, reply_markup=keyboard)


async def on_answer(update: Update, context: Context, state: DialogState) -> None:
    """A typed date, time, place or capacity; a bad one gets what to type and the same question stays."""
    services = context.bot_data
    message = update.effective_message
    assert message is not None
    today = services.clock().astimezone(services.settings.timezone).date()
    draft = await batch_dialog.answer(
        services.db, identity(update), services.settings.staff_ids, message.text or "", today
    )
    text, keyboard = _prompt(draft)
    await message.reply_text(text, reply_markup=keyboard)


async def on_confirm(update: Update, context: Context) -> None:
    """确认创建: the batch is created and the dialog closes."""
    services = context.bot_data
    today = services.clock().astimezone(services.settings.timezone).date()
    view = await batch_dialog.confirm(services.db, identity(update), services.settings.staff_ids, today)
    await reply(update, created_text(view))


async def on_cancel(update: Update, context: Context) -> None:
    """放弃: nothing is created."""
    services = context.bot_data
    await batch_dialog.cancel(services.db, identity(update), services.settings.staff_ids)
    await reply(update, t("offline.dialog.cancelled"))


def created_text(view: BatchView) -> str:
    """The new batch as staff see it once created."""
    return t(
        "offline.batch.created",
        id=view.id,
        name=view.name,
        plan_no=view.plan_no,
        plan_name=view.plan_name,
        day=t("common.date", d=view.day),
        time=view.start_time,
        place=view.place,
        capacity=view.capacity,
    )


async def list_batches(update: Update, context: Context) -> None:
    """/batches: every offline batch with seats taken."""
    services = context.bot_data
    assert update.effective_message is not None
    views = await served(
        update, batches.list_batches(services.db, identity(update), services.settings.staff_ids)
    )
    if views is REFUSED:
        return
    if not views:
        await update.effective_message.reply_text(
            t("offline.batch.list_empty") + "\n\n" + t("offline.commands")
        )
        return
    await reply_lines(
        update, [t("offline.batch.list_header"), *(batch_line(v) for v in views), "", t("offline.commands")]
    )


async def assign(update: Update, context: Context) -> None:
    """/batch_assign 批次号 [机构名称]: seat passers, then tell each of them the time and place."""
    services = context.bot_data
    assert update.effective_message is not None
    args = list(context.args or [])
    if not args:
        await update.effective_message.reply_text(t("offline.batch.assign_usage"))
        return
    report = await served(
        update,
        lambda: batches.assign(
            services.db,
            identity(update),
            services.settings.staff_ids,
            batches.parse_batch_id(args[0]),
            " ".join(args[1:]) or None,
        ),
    )
    if report is REFUSED:
        return
    view = report.batch
    text = t(
        "offline.batch.assigned",
        name=view.name,
        id=view.id,
        count=len(report.seated),
        assigned=view.assigned,
        capacity=view.capacity,
    )
    if report.still_waiting:
        text += "\n" + t("offline.batch.still_waiting", count=report.still_waiting)
    await update.effective_message.reply_text(text)
    for seat in report.seated:
        await notify(
            context,
            seat.telegram_id,
            t(
                "offline.batch.notice",
                name=seat.name,
                batch=view.name,
                day=t("common.date", d=view.day),
                time=view.start_time,
                place=view.place,
                ticket=seat.ticket_no,
            ),
        )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Staff commands; each service re-checks the role."""
    return [
        CommandHandler("batch_new", new_batch),
        CallbackQueryHandler(on_plan, pattern=r"^bn:p:"),
        CallbackQueryHandler(on_confirm, pattern=r"^bn:ok$"),
        CallbackQueryHandler(on_cancel, pattern=r"^bn:no$"),
        CommandHandler("batches", list_batches),
        CommandHandler("batch_assign", assign),
    ]


ROUTES = Routes(flows={batch_dialog.FLOW: on_answer})
