"""成绩查询: every online quiz attempt with the best score, and qualification-exam results beside them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.handlers.quiz.views import answer_sheet_texts
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.normalise import button_number
from core.offline.results import Results, results
from core.quiz.review import attempt_review
from core.texts import t


def results_text(found: Results, tz: ZoneInfo) -> str:
    """List the attempts oldest first, then the verdict that counts, then exam results."""
    parts = [
        t("results.header"),
        t("results.quiz_header", max=found.max_attempts, pass_score=found.pass_score),
    ]
    if not found.quiz_attempts:
        parts.append(t("results.quiz_none"))
    for line in found.quiz_attempts:
        if line.in_progress or line.score is None:
            score = t("results.quiz_in_progress")
        else:
            verdict = t("quiz.verdict_pass" if line.passed else "quiz.verdict_fail")
            score = t("results.quiz_score", score=line.score, verdict=verdict)
            if line.timed_out:
                score += t("results.quiz_timed_out")
        when = t("common.datetime", d=(line.submitted_at or line.started_at).astimezone(tz))
        parts.append(t("results.quiz_line", no=line.attempt_no, when=when, score=score))
    if found.quiz_best is not None:
        verdict = t("quiz.verdict_pass" if found.quiz_passed else "quiz.verdict_fail")
        parts.append(t("results.quiz_best", best=found.quiz_best, verdict=verdict))
    parts.append(t("results.exam_header"))
    if not found.exam_results:
        parts.append(t("results.exam_none"))
    for exam in found.exam_results:
        verdict = t("offline.exam.pass" if exam.passed else "offline.exam.fail")
        day = t("common.date", d=exam.held_on) if exam.held_on is not None else ""
        parts.append(
            t("offline.exam.results_line", name=exam.name, day=day, score=exam.score, verdict=verdict)
        )
    return "\n".join(parts)


async def show_results(update: Update, context: Context) -> None:
    """Show every quiz attempt and what counts, with a button to each finished answer sheet."""
    assert update.effective_user is not None and update.effective_message is not None
    services = context.bot_data
    found = await results(services.db, update.effective_user.id)
    buttons = [
        [
            InlineKeyboardButton(
                t("results.button_review", no=a.attempt_no), callback_data=f"rs:{a.attempt_no}"
            )
        ]
        for a in found.quiz_attempts
        if a.score is not None
    ]
    await update.effective_message.reply_text(
        results_text(found, services.settings.timezone),
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )


async def show_answer_sheet(update: Update, context: Context) -> None:
    """Show a finished attempt with the correct answers, once the study window has closed."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    services = context.bot_data
    raw = query.data.removeprefix("rs:")
    review = await served(
        update,
        lambda: attempt_review(
            services.db,
            query.from_user.id,
            button_number(raw),
            now=services.clock(),
            tz=services.settings.timezone,
        ),
    )
    if review is REFUSED:
        return
    await query.answer()
    for text in answer_sheet_texts(review):
        await context.bot.send_message(update.effective_chat.id, text)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The answer-sheet buttons (rs:<attempt number>); the list itself is reached through the menu."""
    return [CallbackQueryHandler(show_answer_sheet, pattern=r"^rs:\d{1,2}$")]


ROUTES = Routes(menu={"results": show_results})
