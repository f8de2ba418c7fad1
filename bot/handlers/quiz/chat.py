"""线上考核: start an attempt, answer by buttons, hand in; the result when the time limit hands it in."""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, BaseHandler, CallbackQueryHandler

from bot.context import BotServices, Context
from bot.handlers.quiz.views import render
from bot.replies import reply_error
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.errors import Conflict, DomainError
from core.normalise import button_number
from core.people.users import mark_blocked
from core.quiz import service as quiz
from core.quiz.store import QUIZ_FLOW
from core.quiz.views import Press, QuestionScreen, Redraw, ResultScreen, Screen
from core.texts import t
from scheduler import quiz_deadlines

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, BotServices, Any]
_PRESS = re.compile(r"qz:(\d{1,12}):(\d{1,9}):(\d{1,4}):([a-z])(\d{0,2})")


def teller(app: AnyApp) -> quiz_deadlines.Tell:
    """What the time-limit job calls after handing an attempt in: the question's buttons go.

    The result itself was queued in the outbox with the hand-in (core.quiz.service.auto_submit), so it
    reaches the candidate even if this process dies now; taking the buttons away is only tidying.
    """

    async def tell(done: quiz.AutoSubmitted) -> None:
        if done.message_id is None:
            return
        try:
            await app.bot.edit_message_reply_markup(done.telegram_id, done.message_id, reply_markup=None)
        except Forbidden:
            await mark_blocked(app.bot_data.db, done.telegram_id)
        except TelegramError:  # BadRequest included: the message is gone or already without buttons
            log.info("could not take the buttons off user %s's handed-in quiz", done.telegram_id)

    return tell


async def _send_question(update: Update, context: Context, screen: QuestionScreen | ResultScreen) -> None:
    """Send a screen as a new message and make its buttons the live ones."""
    tz = context.bot_data.settings.timezone
    text, keyboard = render(screen, tz)
    assert update.effective_chat is not None
    if isinstance(screen, QuestionScreen):
        app = context.application
        quiz_deadlines.schedule(app.bot_data, screen.attempt_id, screen.deadline, teller(app))
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard)
    if isinstance(screen, QuestionScreen):
        await quiz.remember_message(context.bot_data.db, screen.attempt_id, screen.revision, sent.message_id)


async def ask_to_start(update: Update, context: Context) -> None:
    """Explain the rules of an attempt and ask for confirmation, since starting uses it up."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    services = context.bot_data
    state = await quiz.status(
        services.db, query.from_user.id, now=services.clock(), tz=services.settings.timezone
    )
    if state.open_attempt:
        await reply_error(update, Conflict("quiz.already_open"))
        return
    if state.refusal is not None:
        await reply_error(update, DomainError(state.refusal))
        return
    await query.answer()
    text = t(
        "quiz.confirm_start",
        no=state.attempts_used + 1,
        max=state.max_attempts,
        limit=state.time_limit_minutes,
        score=state.pass_score,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("quiz.button_confirm_start"), callback_data="qs:go"),
                InlineKeyboardButton(t("quiz.button_not_now"), callback_data="qs:no"),
            ]
        ]
    )
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard)


async def start_attempt(update: Update, context: Context) -> None:
    """Start the attempt and send its first question."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    services = context.bot_data
    screen = await quiz.start(
        services.db, query.from_user.id, now=services.clock(), tz=services.settings.timezone
    )
    log.info(
        "user %s started quiz attempt %s (no. %s)", query.from_user.id, screen.attempt_id, screen.attempt_no
    )
    await query.answer()
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass
    await _send_question(update, context, screen)


async def not_now(update: Update, context: Context) -> None:
    """Leave the confirmation without starting."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(t("quiz.not_now"))


async def resume_attempt(update: Update, context: Context) -> None:
    """Show the open attempt's current question again in a new message."""
    await _send_current(update, context, answer=True)


async def _send_current(update: Update, context: Context, *, answer: bool) -> None:
    """The open attempt's current question in a new message (its buttons the live ones older ones stale)."""
    assert update.effective_user is not None
    services = context.bot_data
    screen = await quiz.resume(
        services.db, update.effective_user.id, now=services.clock(), tz=services.settings.timezone
    )
    if answer and update.callback_query is not None:
        await update.callback_query.answer()
    await _send_question(update, context, screen)


def _pressed(query: CallbackQuery) -> Press | None:
    """The press a question button carries, or None for data no question button has."""
    match = _PRESS.fullmatch(query.data or "")
    if match is None:
        return None
    return Press(
        attempt_id=button_number(match[1]),
        revision=button_number(match[2]),
        index=button_number(match[3]),
        verb=match[4],
        option=button_number(match[5]) if match[5] else None,
        message_id=query.message.message_id if query.message is not None else None,
    )


async def _redraw(query: CallbackQuery, screen: Screen, services: BotServices) -> None:
    """Draw a recorded press's screen again; "message is not modified" means it had arrived after all."""
    text, keyboard = render(screen, services.settings.timezone)
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:
        log.info("redraw of user %s's question left as it was: %s", query.from_user.id, error)


async def on_press(update: Update, context: Context) -> None:
    """Apply a question button to the caller's own attempt and redraw the message in place."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    pressed = _pressed(query)
    if pressed is None:
        await query.answer(t("quiz.stale_button"), show_alert=True)
        return
    services = context.bot_data
    try:
        screen = await quiz.press(
            services.db, query.from_user.id, pressed, now=services.clock(), tz=services.settings.timezone
        )
    except Conflict as refused:
        await query.answer(t(refused.key, **refused.params))
        return
    except DomainError as refused:
        await reply_error(update, refused)
        return
    if isinstance(screen, Redraw):  # pressed again: the answer to the first press may never have arrived
        await _redraw(query, screen.screen, services)
        await query.answer(t("quiz.already_recorded"))
        return
    if isinstance(screen, ResultScreen):
        log.info(
            "user %s handed in attempt %s: %s points", query.from_user.id, pressed.attempt_id, screen.score
        )
    text, keyboard = render(screen, services.settings.timezone)
    await query.edit_message_text(text, reply_markup=keyboard)
    if isinstance(screen, ResultScreen) and screen.refused_late:
        await query.answer(t("quiz.time_up"), show_alert=True)
    else:
        await query.answer()


async def on_text_during_quiz(update: Update, context: Context, state: DialogState) -> None:
    """Typing during the quiz changes nothing; point back to the buttons."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(t("quiz.use_buttons"))


async def replay(update: Update, context: Context, state: DialogState) -> None:
    """A saved press handed out again after a crash: draw the screen it led to, by the same revision check
    as a press repeated by hand (core.quiz.scoring.redraw_due); one the person went past shows nothing."""
    services = context.bot_data
    query = update.callback_query
    pressed = _pressed(query) if query is not None else None
    if query is None or pressed is None:
        await _send_current(update, context, answer=False)
        return
    try:
        again = await quiz.press_again(services.db, query.from_user.id, pressed, now=services.clock())
    except Conflict:
        return
    if again is None:
        await _send_current(update, context, answer=False)
        return
    await _redraw(query, again.screen, services)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The quiz's buttons: qs: to start or resume, qz: on a question."""
    return [
        CallbackQueryHandler(ask_to_start, pattern=r"^qs:ask$"),
        CallbackQueryHandler(start_attempt, pattern=r"^qs:go$"),
        CallbackQueryHandler(not_now, pattern=r"^qs:no$"),
        CallbackQueryHandler(resume_attempt, pattern=r"^qs:resume$"),
        CallbackQueryHandler(on_press, pattern=r"^qz:"),
    ]


ROUTES = Routes(flows={QUIZ_FLOW: on_text_during_quiz}, replays={QUIZ_FLOW: replay})
