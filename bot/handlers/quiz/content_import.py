"""/import_course, /import_questions, /import_blueprint: staff pick the plan by button, then send the file."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.review.templates import template_keyboard
from bot.handlers.staff_common import callback_parts, reply, staff_ids, stale, who
from bot.replies import error_text
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.errors import InvalidInput
from core.imports import check_upload_size
from core.normalise import button_number
from core.quiz import content_imports
from core.quiz.bank import BankSummary
from core.quiz.content_imports import Imported, NeedsConfirmation
from core.rules import REQUIRED_MINUTES
from core.study.course import ImportSummary
from core.texts import t

COMMANDS = {"import_course": "course", "import_questions": "questions", "import_blueprint": "blueprint"}


async def begin(update: Update, context: Context) -> None:
    """Ask which plan the content is for, one button per plan."""
    message = update.effective_message
    assert message is not None and message.text is not None
    kind = COMMANDS[message.text.split()[0].lstrip("/").split("@")[0]]
    plans = await content_imports.start(context.bot_data.db, who(update), staff_ids(context), kind)
    rows = [
        [InlineKeyboardButton(f"{p.plan_no} {p.name}"[:60], callback_data=f"imp:p:{kind}:{p.id}")]
        for p in plans
    ]
    await message.reply_text(t(f"imports.content.{kind}_choose"), reply_markup=InlineKeyboardMarkup(rows))


async def on_plan(update: Update, context: Context) -> None:
    """A plan button: remember it and ask for the file, with the template one tap away."""
    parts = callback_parts(update, 2)
    if parts is None or not parts[1].isdigit():
        await stale(update)
        return
    kind, plan_id = parts[0], button_number(parts[1])
    plan = await content_imports.choose_plan(
        context.bot_data.db, who(update), staff_ids(context), kind, plan_id
    )
    await reply(
        update,
        t(f"imports.content.{kind}_prompt", plan_no=plan.plan_no, plan=plan.name),
        reply_markup=template_keyboard(kind),
    )


def _summary_text(done: Imported) -> str:
    summary, plan = done.summary, done.plan
    if isinstance(summary, ImportSummary):
        text = t(
            "imports.content.course_done",
            plan_no=plan.plan_no,
            added=summary.added,
            updated=summary.updated,
            minutes=summary.total_minutes,
        )
        if summary.falls_short:
            text += "\n" + t(
                "study.import.short_total", minutes=summary.total_minutes, required=REQUIRED_MINUTES
            )
        return text
    if isinstance(summary, BankSummary):
        types = "，".join(t("quiz.import.type_count", kind=k, count=n) for k, n in summary.by_type)
        return t(
            "imports.content.questions_done",
            plan_no=plan.plan_no,
            added=summary.added,
            updated=summary.updated,
            types=types,
        )
    return t(
        "imports.content.blueprint_done",
        plan_no=plan.plan_no,
        questions=summary.questions,
        lines="\n".join(summary.lines),
    )


async def _answer(update: Update, outcome: Imported | NeedsConfirmation) -> None:
    if isinstance(outcome, Imported):
        await reply(update, _summary_text(outcome))
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("imports.content.confirm_button"), callback_data="imp:ok"),
                InlineKeyboardButton(t("imports.content.keep_button"), callback_data="imp:no"),
            ]
        ]
    )
    text = t(
        f"imports.content.{outcome.kind}_confirm", plan_no=outcome.plan.plan_no, count=outcome.open_attempts
    )
    await reply(update, text, reply_markup=keyboard)


async def on_file(update: Update, context: Context, state: DialogState) -> None:
    """The file for the chosen plan: imported whole or refused with every problem by row and column."""
    message = update.effective_message
    assert message is not None
    document = message.document
    if state.step == "plan":
        await message.reply_text(t("imports.content.choose_first"))
        return
    if document is None:
        await message.reply_text(t("imports.content.send_a_file"))
        return
    try:
        check_upload_size(document.file_size)
    except InvalidInput as refused:
        await message.reply_text(error_text(refused))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    upload = (data, document.file_name or "upload", document.file_id)
    outcome = await content_imports.import_file(context.bot_data.db, who(update), staff_ids(context), upload)
    await _answer(update, outcome)


async def on_confirm(update: Update, context: Context) -> None:
    """Replace the bank or blueprint with the held file; started attempts keep the paper they drew."""
    file_id, filename = await content_imports.held_file(context.bot_data.db, who(update), staff_ids(context))
    data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    outcome = await content_imports.import_file(
        context.bot_data.db, who(update), staff_ids(context), (data, filename, file_id), confirmed=True
    )
    await _answer(update, outcome)


async def on_keep(update: Update, context: Context) -> None:
    """Keep the bank and blueprint as they are."""
    await content_imports.drop_held_file(context.bot_data.db, who(update), staff_ids(context))
    await reply(update, t("imports.content.kept"))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The three commands and their buttons (imp:); every service re-checks the role."""
    return [
        CommandHandler(list(COMMANDS), begin),
        CallbackQueryHandler(on_plan, pattern=r"^imp:p:"),
        CallbackQueryHandler(on_confirm, pattern=r"^imp:ok$"),
        CallbackQueryHandler(on_keep, pattern=r"^imp:no$"),
    ]


ROUTES = Routes(flows=dict.fromkeys(content_imports.FLOWS.values(), on_file))
