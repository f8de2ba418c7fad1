"""The staff roster: every institution or one, every stage or one, full numbers, Excel download."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.handlers.review.roster_view import send_roster, send_workbook
from bot.handlers.staff_common import button, callback_parts, reply, staff_ids, stale, who
from core.errors import DomainError
from core.normalise import button_number
from core.people import roles
from core.people.stages import STAGE_ORDER
from core.review import institutions, rosters
from core.texts import t


def _filters(update: Update) -> tuple[str, str] | None:
    parts = callback_parts(update, 2)
    if parts is None or not (parts[0] == "all" or parts[0].isdigit()):
        return None
    return parts[0], parts[1]


async def _roster(update: Update, context: Context, inst: str, stage: str) -> rosters.Roster:
    return await rosters.staff_roster(
        context.bot_data.db,
        who(update),
        staff_ids(context),
        None if inst == "all" else button_number(inst),
        rosters.parse_stage(stage),
    )


async def show_roster(update: Update, context: Context) -> None:
    """stf:ros:<institution|all>:<stage|all>."""
    filters = _filters(update)
    if filters is None:
        await stale(update)
        return
    inst, stage = filters
    roster = await _roster(update, context, inst, stage)
    keyboard = InlineKeyboardMarkup(
        [
            [
                button("staff.roster.by_institution", f"stf:rfi:{stage}"),
                button("staff.roster.by_stage", f"stf:rfs:{inst}"),
            ],
            [button("staff.roster.download", f"stf:rx:{inst}:{stage}"), button("staff.nav.desk", "stf:desk")],
        ]
    )
    await send_roster(update, roster, keyboard)


async def download_roster(update: Update, context: Context) -> None:
    """stf:rx:<institution|all>:<stage|all>: the Excel file with full numbers."""
    filters = _filters(update)
    if filters is None:
        await stale(update)
        return
    roster = await _roster(update, context, *filters)
    await send_workbook(update, context, roster, t("staff.roster.filename"))


async def choose_institution(update: Update, context: Context) -> None:
    """stf:rfi:<stage>: pick an institution filter."""
    parts = callback_parts(update, 1)
    if parts is None:
        await stale(update)
        return
    try:
        rosters.parse_stage(parts[0])
    except DomainError:
        await stale(update)
        return
    page = await institutions.list_institutions(context.bot_data.db, who(update), staff_ids(context), 0)
    rows = [[button("staff.roster.all_institutions", f"stf:ros:all:{parts[0]}")]]
    rows += [
        [button("staff.roster.plain", f"stf:ros:{line.id}:{parts[0]}", label=line.name[:30])]
        for line in page.lines
    ]
    await reply(update, t("staff.roster.choose_institution"), reply_markup=InlineKeyboardMarkup(rows))


async def choose_stage(update: Update, context: Context) -> None:
    """stf:rfs:<institution>: pick a stage filter."""
    parts = callback_parts(update, 1)
    if parts is None or not (parts[0] == "all" or parts[0].isdigit()):
        await stale(update)
        return
    await roles.ensure_staff(context.bot_data.db, who(update), staff_ids(context))
    rows = [[button("staff.roster.all_stages", f"stf:ros:{parts[0]}:all")]]
    rows += [
        [button(f"staff.stage.{stage.value}", f"stf:ros:{parts[0]}:{stage.value}")] for stage in STAGE_ORDER
    ]
    await reply(update, t("staff.roster.choose_stage"), reply_markup=InlineKeyboardMarkup(rows))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Roster buttons on the desk; the service re-checks staff every time."""
    return [
        CallbackQueryHandler(show_roster, pattern=r"^stf:ros:"),
        CallbackQueryHandler(download_roster, pattern=r"^stf:rx:"),
        CallbackQueryHandler(choose_institution, pattern=r"^stf:rfi:"),
        CallbackQueryHandler(choose_stage, pattern=r"^stf:rfs:"),
    ]
