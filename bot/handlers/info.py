"""考生须知 and 联系我们: the programme's standing information."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import Context
from bot.routing import Routes
from core import menu
from core.texts import t


async def show_notice(update: Update, context: Context) -> None:
    """Show each published plan's dates and the registration rules from the notice."""
    plans = await menu.published_plans(context.bot_data.db)
    parts = [t("notice.header")]
    if not plans:
        parts.append(t("notice.no_plan"))
    for plan in plans:
        parts.append(
            t(
                "notice.plan",
                plan_no=plan.plan_no,
                name=plan.name,
                reg_start=t("common.date", d=plan.registration_start),
                reg_end=t("common.date", d=plan.registration_end),
                study_start=t("common.date", d=plan.study_start),
                study_end=t("common.date", d=plan.study_end),
                minutes=plan.required_study_minutes,
                attempts=plan.max_quiz_attempts,
                score=plan.pass_score,
            )
        )
    parts.append(t("notice.rules"))
    assert update.effective_message is not None
    await update.effective_message.reply_text("\n\n".join(parts))


async def show_contact(update: Update, context: Context) -> None:
    """Show the contacts configured from the notice."""
    settings = context.bot_data.settings
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        t(
            "contact.text",
            names="、".join(settings.contact_names),
            phones="，".join(settings.contact_phones),
            tech=settings.tech_support_phone,
        )
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """No handlers of its own: reached through the menu."""
    return []


ROUTES = Routes(menu={"notice": show_notice, "contact": show_contact})
