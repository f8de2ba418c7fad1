"""Roster text and Excel document, shared by the staff desk and the liaison's view."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Update

from bot.context import Context
from bot.handlers.staff_common import reply
from core.people.stages import STAGE_ORDER
from core.review.rosters import Roster, roster_workbook
from core.texts import t

BEHIND_SHOWN = 30


def roster_text(roster: Roster) -> str:
    """Counts by stage, then who is behind with their next deadline."""
    counts = "\n".join(
        t("staff.roster.count_line", stage=t(f"staff.stage.{stage.value}"), count=roster.counts[stage])
        for stage in STAGE_ORDER
    )
    scope = roster.scope
    if roster.stage is not None:
        scope += t("staff.roster.stage_filter", stage=t(f"staff.stage.{roster.stage.value}"))
    behind = roster.behind
    lines = [
        t(
            "staff.roster.behind_line",
            name=p.name,
            institution=p.institution,
            stage=t(f"staff.stage.{p.stage.value}"),
            deadline=t("common.date", d=p.deadline),
        )
        for p in behind[:BEHIND_SHOWN]
    ]
    if len(behind) > BEHIND_SHOWN:
        lines.append(t("staff.roster.behind_more", count=len(behind) - BEHIND_SHOWN))
    behind_text = "\n".join(lines) if lines else t("staff.roster.nobody_behind")
    return t(
        "staff.roster.summary",
        scope=scope,
        total=sum(roster.counts.values()),
        counts=counts,
        behind=behind_text,
    )


async def send_roster(update: Update, roster: Roster, keyboard: InlineKeyboardMarkup | None) -> None:
    """The roster summary as a message."""
    await reply(update, roster_text(roster), reply_markup=keyboard)


async def send_workbook(update: Update, context: Context, roster: Roster, filename: str) -> None:
    """The roster as an Excel document."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        InputFile(roster_workbook(roster), filename=filename),
        caption=t("staff.roster.document_caption", scope=roster.scope, count=len(roster.people)),
    )
