"""培训学习: the course with a progress bar, opening and finishing modules, the quiz button."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.replies import REFUSED, served
from bot.routing import Routes
from core.normalise import button_number
from core.quiz import service as quiz
from core.rules import progress_bar
from core.study import service as study
from core.study.service import StudyOverview
from core.texts import t

_MODULE = re.compile(r"st:([of]):(\d{1,12})")
MAX_BODY = 3500


def _bar(done: int, total: int) -> str:
    return progress_bar(done, total)


def _mark(module: study.ModuleProgress) -> str:
    if module.done:
        return t("study.mark_done")
    return t("study.mark_open") if module.is_open else t("study.mark_todo")


def _overview_text(page: quiz.StudyPage) -> str:
    course: StudyOverview = page.course
    parts = [
        t(
            "study.header",
            plan=course.plan_name,
            start=course.first_day,
            end=course.last_day,
            bar=_bar(course.credited_minutes, course.required_minutes),
        )
    ]
    if course.quiz_unlocked:
        parts.append(t("study.unlocked", required=course.required_minutes))
    else:
        parts.append(t("study.remaining", minutes=course.remaining_minutes, required=course.required_minutes))
    if course.window_state != "open":
        parts.append(t("study.not_open_window"))
    lines: list[str] = []
    area = None
    for module in course.modules:
        if module.area and module.area != area:
            area = module.area
            lines.append(t("study.area", area=area))
        lines.append(
            t(
                "study.module_line",
                mark=_mark(module),
                title=module.title,
                credited=module.credited_minutes,
                minutes=module.minutes,
            )
        )
    parts.append("\n".join(lines) if lines else t("study.no_modules"))
    if course.quiz_unlocked or page.quiz.attempts_used:
        line = t(
            "quiz.status_line",
            used=page.quiz.attempts_used,
            max=page.quiz.max_attempts,
            limit=page.quiz.time_limit_minutes,
            score=page.quiz.pass_score,
        )
        if page.quiz.best is not None:
            line += t("quiz.status_best", best=page.quiz.best)
        parts.append(line)
    parts.append(t("study.how"))
    return "\n\n".join(parts)


def _overview_keyboard(page: quiz.StudyPage) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                t("study.button_module", mark=_mark(m), title=m.title), callback_data=f"st:o:{m.id}"
            )
        ]
        for m in page.course.modules
    ]
    if page.quiz.open_attempt:
        rows.append([InlineKeyboardButton(t("quiz.button_resume"), callback_data="qs:resume")])
    elif page.quiz.refusal is None:
        rows.append([InlineKeyboardButton(t("quiz.button_start"), callback_data="qs:ask")])
    return InlineKeyboardMarkup(rows)


async def show_study(update: Update, context: Context) -> None:
    """Show the course, the progress bar, what is left and the quiz button once it is open."""
    assert update.effective_user is not None and update.effective_chat is not None
    services = context.bot_data
    page = await served(
        update,
        quiz.study_page(
            services.db, update.effective_user.id, now=services.clock(), tz=services.settings.timezone
        ),
    )
    if page is REFUSED:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await context.bot.send_message(
        update.effective_chat.id, _overview_text(page), reply_markup=_overview_keyboard(page)
    )


async def on_module(update: Update, context: Context) -> None:
    """Open a module (starting its clock) or mark it finished (crediting the time)."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    match = _MODULE.fullmatch(query.data)
    if match is None:
        await query.answer(t("common.stale_button"), show_alert=True)
        return
    services = context.bot_data
    module_id, now, tz = button_number(match[2]), services.clock(), services.settings.timezone
    if match[1] == "o":
        view = await served(
            update, study.open_module(services.db, query.from_user.id, module_id, now=now, tz=tz)
        )
        if view is REFUSED:
            return
        await query.answer()
        await _send_module(update, context, view)
        return
    done = await served(
        update, study.finish_module(services.db, query.from_user.id, module_id, now=now, tz=tz)
    )
    if done is REFUSED:
        return
    await query.answer()
    await _send_finished(update, context, done)


async def _send_module(update: Update, context: Context, view: study.ModuleView) -> None:
    assert update.effective_chat is not None
    body = view.body if len(view.body) <= MAX_BODY else view.body[:MAX_BODY] + "……"
    parts = []
    if view.left_open_title:
        parts.append(t("study.switched", title=view.left_open_title))
    parts.append(
        t(
            "study.module_text",
            area=t("study.area", area=view.area) if view.area else "",
            title=view.title,
            minutes=view.minutes,
            credited=view.credited_minutes,
            body=body,
        )
    )
    if view.document_url:
        parts.append(t("study.module_document", name=view.document_name or "", url=view.document_url))
    parts.append(
        t("study.module_done_already", minutes=view.minutes) if view.done else t("study.module_started")
    )
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t("study.button_finish"), callback_data=f"st:f:{view.id}")],
            [InlineKeyboardButton(t("study.button_list"), callback_data="st:l")],
        ]
    )
    await context.bot.send_message(update.effective_chat.id, "\n\n".join(parts), reply_markup=keyboard)


async def _send_finished(update: Update, context: Context, done: study.FinishResult) -> None:
    assert update.effective_chat is not None
    parts = [
        t(
            "study.finished",
            title=done.title,
            now=done.credited_now_minutes,
            credited=done.module_credited_minutes,
            minutes=done.module_minutes,
            bar=_bar(done.credited_minutes, done.required_minutes),
        )
    ]
    if done.credited_now_minutes == 0:
        parts.append(t("study.finished_short"))
    if done.module_credited_minutes < done.module_minutes:
        parts.append(t("study.module_incomplete", left=done.module_minutes - done.module_credited_minutes))
    if done.quiz_unlocked:
        parts.append(t("study.unlocked", required=done.required_minutes))
    else:
        left = done.required_minutes - done.credited_minutes
        parts.append(t("study.remaining", minutes=left, required=done.required_minutes))
    rows = [[InlineKeyboardButton(t("study.button_list"), callback_data="st:l")]]
    if done.quiz_unlocked:
        rows.insert(0, [InlineKeyboardButton(t("quiz.button_start"), callback_data="qs:ask")])
    await context.bot.send_message(
        update.effective_chat.id, "\n\n".join(parts), reply_markup=InlineKeyboardMarkup(rows)
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Module buttons (st:) and the course list button."""
    return [
        CallbackQueryHandler(show_study, pattern=r"^st:l$"),
        CallbackQueryHandler(on_module, pattern=r"^st:[of]:"),
    ]


ROUTES = Routes(menu={"study": show_study})
