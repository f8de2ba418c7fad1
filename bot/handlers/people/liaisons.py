"""Liaisons (联络人员) and institution links: deep-link invitations and the liaison's own roster."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.command_menus import publish_for
from bot.context import Context
from bot.handlers.review.roster_view import send_roster, send_workbook
from bot.handlers.staff_common import button, callback_parts, notify, reply, staff_ids, stale, who
from bot.routing import Routes
from core.normalise import button_number
from core.people import liaisons, roles
from core.people.users import Role
from core.review import rosters
from core.texts import t


def liaison_keyboard(institution_id: int) -> InlineKeyboardMarkup:
    """Refresh the summary or download the masked roster."""
    return InlineKeyboardMarkup(
        [
            [
                button("liaison.roster.refresh", f"lia:r:{institution_id}"),
                button("liaison.roster.download", f"lia:x:{institution_id}"),
            ]
        ]
    )


async def accept_liaison(update: Update, context: Context, payload: str) -> None:
    """/start inv_<code>: become the institution's liaison; the replaced liaison is told."""
    bound = await liaisons.accept_liaison_invitation(
        context.bot_data.db, who(update), payload, context.bot_data.clock()
    )
    if bound.already:
        await reply(update, t("liaison.invite.already", institution=bound.institution))
        return
    await publish_for(context.bot, who(update).telegram_id, Role.LIAISON)
    if bound.replaced_telegram_id is not None:
        await publish_for(context.bot, bound.replaced_telegram_id, Role.CANDIDATE)
        await notify(
            context, bound.replaced_telegram_id, t("liaison.invite.replaced", institution=bound.institution)
        )
    await reply(
        update,
        t("liaison.invite.welcome", institution=bound.institution),
        reply_markup=liaison_keyboard(bound.institution_id),
    )


async def accept_candidate_link(update: Update, context: Context, payload: str) -> None:
    """/start join_<code>: the candidate's employer is pre-filled."""
    employer = await liaisons.accept_candidate_invitation(
        context.bot_data.db, who(update), payload, context.bot_data.clock()
    )
    await reply(update, t("liaison.join.welcome", institution=employer.institution))


async def roster_command(update: Update, context: Context) -> None:
    """/roster: a liaison's own roster, staff's roster of all institutions, nothing for candidates."""
    actor = await roles.role_of(context.bot_data.db, who(update), staff_ids(context))
    if actor.role is Role.STAFF:
        roster = await rosters.staff_roster(context.bot_data.db, who(update), staff_ids(context))
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button("staff.roster.download", "stf:rx:all:all"),
                    button("staff.roster.by_institution", "stf:rfi:all"),
                ]
            ]
        )
        await send_roster(update, roster, keyboard)
        return
    roster = await rosters.liaison_roster(context.bot_data.db, who(update))
    assert roster.institution_id is not None
    await send_roster(update, roster, liaison_keyboard(roster.institution_id))


def _institution(update: Update) -> int | None:
    parts = callback_parts(update, 1)
    return button_number(parts[0]) if parts is not None and parts[0].isdigit() else None


async def refresh(update: Update, context: Context) -> None:
    """lia:r:<institution>: the summary again; another institution's id is refused on the server."""
    institution_id = _institution(update)
    if institution_id is None:
        await stale(update)
        return
    roster = await rosters.liaison_roster(context.bot_data.db, who(update), institution_id)
    await send_roster(update, roster, liaison_keyboard(institution_id))


async def download(update: Update, context: Context) -> None:
    """lia:x:<institution>: the roster as Excel with ID and phone numbers masked."""
    institution_id = _institution(update)
    if institution_id is None:
        await stale(update)
        return
    roster = await rosters.liaison_roster(context.bot_data.db, who(update), institution_id)
    await send_workbook(update, context, roster, t("liaison.roster.filename"))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The roster command and the liaison's buttons."""
    return [
        CommandHandler("roster", roster_command),
        CallbackQueryHandler(refresh, pattern=r"^lia:r:"),
        CallbackQueryHandler(download, pattern=r"^lia:x:"),
    ]


ROUTES = Routes(
    start_payloads={liaisons.LIAISON_PREFIX: accept_liaison, liaisons.CANDIDATE_PREFIX: accept_candidate_link}
)
