"""Staff create offline training batches and seat candidates who passed online; seated candidates are told."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.staff_common import notify
from bot.handlers.start import identity
from bot.replies import reply_error
from bot.routing import Routes
from core import batches
from core.batches import BatchView
from core.errors import DomainError
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
    """/batch_new 计划编号 日期 开始时间 人数 地点"""
    services = context.bot_data
    assert update.effective_message is not None
    today = services.clock().astimezone(services.settings.timezone).date()
    try:
        view = await batches.create_batch(
            services.db, identity(update), services.settings.staff_ids, list(context.args or []), today
        )
    except DomainError as error:
        await reply_error(update, error)
        return
    await update.effective_message.reply_text(
        t(
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
    )


async def list_batches(update: Update, context: Context) -> None:
    """/batches: every offline batch with seats taken."""
    services = context.bot_data
    assert update.effective_message is not None
    try:
        views = await batches.list_batches(services.db, identity(update), services.settings.staff_ids)
    except DomainError as error:
        await reply_error(update, error)
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
    try:
        if not args:
            await update.effective_message.reply_text(t("offline.batch.assign_usage"))
            return
        batch_id = batches.parse_batch_id(args[0])
        report = await batches.assign(
            services.db, identity(update), services.settings.staff_ids, batch_id, " ".join(args[1:]) or None
        )
    except DomainError as error:
        await reply_error(update, error)
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
        CommandHandler("batches", list_batches),
        CommandHandler("batch_assign", assign),
    ]


ROUTES = Routes()
