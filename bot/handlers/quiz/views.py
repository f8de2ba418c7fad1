"""Texts and inline keyboards of the quiz screens; pure functions of the screens the core returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.quiz.review import AttemptReview
from core.quiz.views import ConfirmScreen, QuestionScreen, ReviewScreen, Screen, result_text
from core.rules import QuestionType
from core.texts import t

LETTERS = "ABCDEF"
MAX_GOTO_BUTTONS = 20


def callback(
    screen: QuestionScreen | ReviewScreen | ConfirmScreen, verb: str, index: int, option: int | None = None
) -> str:
    """Callback data: attempt, revision, question index and option; at most ~30 bytes."""
    return f"qz:{screen.attempt_id}:{screen.revision}:{index}:{verb}{'' if option is None else option}"


def _label(qtype: QuestionType, options: tuple[str, ...], option: int) -> str:
    return options[option] if qtype is QuestionType.TRUE_FALSE else LETTERS[option]


def _answer_text(qtype: QuestionType, options: tuple[str, ...], chosen: tuple[int, ...]) -> str:
    return "、".join(_label(qtype, options, o) for o in chosen)


def _when(deadline: datetime, tz: ZoneInfo) -> str:
    return t("common.datetime", d=deadline.astimezone(tz))


def question_text(screen: QuestionScreen, tz: ZoneInfo) -> str:
    """The question message: counter, stem, lettered options and what is answered."""
    if screen.type is QuestionType.TRUE_FALSE:
        options = ""
    else:
        options = "\n".join(
            t("quiz.option_line", label=LETTERS[i], text=text) for i, text in enumerate(screen.options)
        )
    answered: dict[str, Any] = {"answered": screen.answered, "total": screen.total}
    if screen.type is QuestionType.MULTIPLE and screen.draft and tuple(screen.draft) != screen.chosen:
        state = t(
            "quiz.state_ticked", ticked=_answer_text(screen.type, screen.options, screen.draft), **answered
        )
    elif screen.chosen is not None:
        state = t(
            "quiz.state_answered", answer=_answer_text(screen.type, screen.options, screen.chosen), **answered
        )
    else:
        state = t("quiz.state_unanswered", **answered)
        if screen.type is QuestionType.MULTIPLE:
            state += "\n" + t("quiz.state_multiple_hint")
    return t(
        "quiz.question",
        no=screen.attempt_no,
        deadline=_when(screen.deadline, tz),
        n=screen.index + 1,
        total=screen.total,
        type=screen.type.value,
        points=screen.points,
        stem=screen.stem,
        options=options,
        state=state,
    ).replace("\n\n\n\n", "\n\n")


def question_keyboard(screen: QuestionScreen) -> InlineKeyboardMarkup:
    """Option buttons (ticks for multiple choice, then confirm), then moving and the answer sheet."""
    i = screen.index
    rows: list[list[InlineKeyboardButton]] = []
    if screen.type is QuestionType.MULTIPLE:
        ticked = set(screen.draft or screen.chosen or ())
        rows.append(
            [
                InlineKeyboardButton(
                    f"{'☑' if o in ticked else '☐'} {LETTERS[o]}", callback_data=callback(screen, "t", i, o)
                )
                for o in range(len(screen.options))
            ]
        )
        rows.append([InlineKeyboardButton(t("quiz.button_confirm"), callback_data=callback(screen, "c", i))])
    else:
        chosen = set(screen.chosen or ())
        rows.append(
            [
                InlineKeyboardButton(
                    f"{'✅ ' if o in chosen else ''}{_label(screen.type, screen.options, o)}",
                    callback_data=callback(screen, "a", i, o),
                )
                for o in range(len(screen.options))
            ]
        )
    moves = []
    if i > 0:
        moves.append(InlineKeyboardButton(t("quiz.button_previous"), callback_data=callback(screen, "p", i)))
    moves.append(InlineKeyboardButton(t("quiz.button_next"), callback_data=callback(screen, "n", i)))
    rows.append(moves)
    rows.append(
        [
            InlineKeyboardButton(t("quiz.button_review"), callback_data=callback(screen, "r", i)),
            InlineKeyboardButton(t("quiz.button_submit"), callback_data=callback(screen, "s", i)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def review_text(screen: ReviewScreen, tz: ZoneInfo) -> str:
    """The answer sheet: how many answered and which are not."""
    if screen.unanswered:
        missing = t("quiz.review_missing", numbers="、".join(str(n) for n in screen.unanswered))
    else:
        missing = t("quiz.review_all_done")
    return t(
        "quiz.review",
        answered=screen.total - len(screen.unanswered),
        total=screen.total,
        deadline=_when(screen.deadline, tz),
        unanswered=missing,
    )


def review_keyboard(screen: ReviewScreen) -> InlineKeyboardMarkup:
    """A button per unanswered question (first twenty), back to answering, and hand in."""
    goto = [
        InlineKeyboardButton(t("quiz.button_goto", n=n), callback_data=callback(screen, "g", n - 1))
        for n in screen.unanswered[:MAX_GOTO_BUTTONS]
    ]
    rows = [goto[k : k + 5] for k in range(0, len(goto), 5)]
    rows.append(
        [
            InlineKeyboardButton(t("quiz.button_back"), callback_data=callback(screen, "b", 0)),
            InlineKeyboardButton(t("quiz.button_submit"), callback_data=callback(screen, "s", 0)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def confirm_text(screen: ConfirmScreen) -> str:
    """Ask once more before handing in, saying how many are unanswered."""
    if screen.unanswered:
        return t("quiz.confirm_submit_missing", count=screen.unanswered)
    return t("quiz.confirm_submit")


def confirm_keyboard(screen: ConfirmScreen) -> InlineKeyboardMarkup:
    """Hand in, or go back to the questions."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("quiz.button_confirm_submit"), callback_data=callback(screen, "y", 0)),
                InlineKeyboardButton(t("quiz.button_back"), callback_data=callback(screen, "b", 0)),
            ]
        ]
    )


def render(screen: Screen, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and keyboard of any quiz screen."""
    if isinstance(screen, QuestionScreen):
        return question_text(screen, tz), question_keyboard(screen)
    if isinstance(screen, ReviewScreen):
        return review_text(screen, tz), review_keyboard(screen)
    if isinstance(screen, ConfirmScreen):
        return confirm_text(screen), confirm_keyboard(screen)
    return result_text(screen), None


def answer_sheet_texts(review: AttemptReview, limit: int = 3800) -> list[str]:
    """A finished attempt with correct answers, split into messages under Telegram's length limit."""
    blocks = [t("quiz.review_header", no=review.attempt_no, score=review.score)]
    for q in review.questions:
        options = (
            ""
            if q.type is QuestionType.TRUE_FALSE
            else "".join(
                t("quiz.option_line", label=LETTERS[i], text=o) + "\n" for i, o in enumerate(q.options)
            )
        )
        blocks.append(
            t(
                "quiz.review_line",
                n=q.number,
                type=q.type.value,
                points=q.points,
                mark=t("quiz.review_right" if q.right else "quiz.review_wrong"),
                stem=q.stem,
                options=options,
                chosen=_answer_text(q.type, q.options, q.chosen)
                if q.chosen is not None
                else t("quiz.review_blank"),
                correct=_answer_text(q.type, q.options, q.correct),
            )
        )
    messages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + len(block) + 2 > limit:
            messages.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
    messages.append(current)
    return messages
