"""个人信息 and 上传照片: questions with keyboards, answers saved by core.profile.service, a summary."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.handlers.info import show_contact
from bot.handlers.start import identity
from bot.keyboards import main_menu
from bot.replies import STALE, error_text, refuse_button
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.errors import DomainError, InvalidInput
from core.normalise import button_number
from core.profile import consent, photos
from core.profile import service as profile
from core.profile.answers import BROWSE_KINDS, SEARCH_LIMIT
from core.profile.fields import CHOICES, DERIVED, IDENTITY_FLAGS, LABELS, OPTIONAL, REQUIRED
from core.profile.service import Screen
from core.texts import t

PREFIX = "prof:"
_BUTTON = re.compile(
    r"prof:(?:(set):([a-z_]{1,20}):(\d{1,2})|(flag):(\d{1,2})|(inst):(\d{1,12})"
    r"|(edit|next):([a-z_]{1,20})|(ok|photo|keep)|agree:(general|sensitive|no)"
    r"|(kind):(\d):(\d{1,4})|(contact))"
)


def _choice_rows(field: str) -> list[list[InlineKeyboardButton]]:
    options = CHOICES[field]
    per_row = 1 if field == "id_type" else 3
    buttons = [
        InlineKeyboardButton(o, callback_data=f"{PREFIX}set:{field}:{i}") for i, o in enumerate(options)
    ]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _flag_rows(selected: tuple[str, ...]) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(("✅ " if flag in selected else "") + flag, callback_data=f"{PREFIX}flag:{i}")
        for i, flag in enumerate(IDENTITY_FLAGS)
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append(
        [InlineKeyboardButton(t("profile.button_done"), callback_data=f"{PREFIX}next:identity_flags")]
    )
    return rows


def _browse_rows(screen: Screen) -> list[list[InlineKeyboardButton]]:
    """Ways on when typing found nothing: the registry by kind, and the contacts."""
    current = screen.browse.kind_index if screen.browse is not None else None
    kinds = [
        InlineKeyboardButton(t(f"profile.kind.{code}"), callback_data=f"{PREFIX}kind:{i}:0")
        for i, code in enumerate(BROWSE_KINDS)
        if i != current
    ]
    contact = InlineKeyboardButton(t("profile.button_contact"), callback_data=f"{PREFIX}contact")
    return [kinds, [contact]]


def _page_rows(screen: Screen) -> list[list[InlineKeyboardButton]]:
    page = screen.browse
    assert page is not None
    rows = [[InlineKeyboardButton(m.name, callback_data=f"{PREFIX}inst:{m.id}")] for m in screen.matches]
    nav = []
    if page.offset > 0:
        back = max(page.offset - SEARCH_LIMIT, 0)
        nav.append(
            InlineKeyboardButton(
                t("profile.button_previous"), callback_data=f"{PREFIX}kind:{page.kind_index}:{back}"
            )
        )
    if page.offset + SEARCH_LIMIT < page.total:
        ahead = page.offset + SEARCH_LIMIT
        nav.append(
            InlineKeyboardButton(
                t("profile.button_next"), callback_data=f"{PREFIX}kind:{page.kind_index}:{ahead}"
            )
        )
    if nav:
        rows.append(nav)
    return rows


def _browse_text(screen: Screen) -> str:
    page = screen.browse
    assert page is not None
    kind = t(f"profile.kind.{BROWSE_KINDS[page.kind_index]}")
    if not screen.matches:
        return t("profile.browse_empty", kind=kind)
    last = page.offset + len(screen.matches)
    return t("profile.browse_page", kind=kind, total=page.total, first=page.offset + 1, last=last)


def _summary(screen: Screen) -> tuple[str, InlineKeyboardMarkup | None]:
    view = screen.view
    lines = [t("profile.summary_header")]
    for field, value in view.values.items():
        shown = value or t("profile.summary_empty")
        lines.append(t("profile.summary_line", label=LABELS[field], value=shown))
    photo = t("profile.photo_yes") if view.has_photo else t("profile.photo_no")
    lines.append(t("profile.summary_line", label=LABELS["photo"], value=photo))
    if view.missing:
        lines.append(t("profile.summary_missing", fields="、".join(LABELS[f] for f in view.missing)))
    if view.locked:
        lines.append(t("profile.summary_locked"))
        return "\n".join(lines), None
    lines.append(t("profile.summary_hint"))
    editable = [f for f in view.values if not (view.derived_from_id and f in DERIVED)]
    buttons = [
        InlineKeyboardButton(t("profile.button_edit", label=LABELS[f]), callback_data=f"{PREFIX}edit:{f}")
        for f in editable
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([InlineKeyboardButton(t("profile.button_photo"), callback_data=f"{PREFIX}photo")])
    rows.append([InlineKeyboardButton(t("profile.button_confirm"), callback_data=f"{PREFIX}ok")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _question(screen: Screen) -> tuple[str, InlineKeyboardMarkup | None]:
    step = screen.step
    text = t(f"profile.ask.{step}")
    rows: list[list[InlineKeyboardButton]] = []
    if step in CHOICES:
        rows = _choice_rows(step)
    elif step == "identity_flags":
        rows = _flag_rows(screen.view.flags)
    elif step == "institution" and screen.browse is not None:
        text = _browse_text(screen)
        rows = _page_rows(screen) + _browse_rows(screen)
    elif step == "institution" and screen.searched is not None:
        if screen.matches:
            text = t("profile.search_found", text=screen.searched)
            rows = [
                [InlineKeyboardButton(m.name, callback_data=f"{PREFIX}inst:{m.id}")] for m in screen.matches
            ]
        else:
            text = t("profile.search_none", text=screen.searched)
            rows = _browse_rows(screen)
    if step in OPTIONAL and step != "identity_flags":
        rows.append([InlineKeyboardButton(t("profile.button_skip"), callback_data=f"{PREFIX}next:{step}")])
    elif screen.editing and step not in OPTIONAL:
        rows.append([InlineKeyboardButton(t("profile.button_keep"), callback_data=f"{PREFIX}keep")])
    return text, InlineKeyboardMarkup(rows) if rows else None


def _consent(screen: Screen, context: Context) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup]:
    """The notice, or the separate agreement for sensitive information, with agree and decline buttons."""
    if screen.step == "consent_declined":
        return t("privacy.consent.declined"), main_menu()
    settings = context.bot_data.settings
    kind = screen.step.removeprefix("consent_")
    if kind == consent.GENERAL:
        text = t(
            "privacy.consent.notice",
            version=consent.NOTICE_VERSION,
            issuer=settings.issuer_name,
            days=settings.retention_days,
        )
    else:
        text = t("privacy.consent.sensitive")
    buttons = [
        [InlineKeyboardButton(t(f"privacy.consent.agree_{kind}"), callback_data=f"{PREFIX}agree:{kind}")],
        [InlineKeyboardButton(t("privacy.consent.decline"), callback_data=f"{PREFIX}agree:no")],
    ]
    return text, InlineKeyboardMarkup(buttons)


def _saved_note(screen: Screen) -> str | None:
    """The 已保存 line for the answer just saved, if any."""
    if screen.saved is None:
        return None
    if screen.saved == "photo":
        return t("photos.saved")
    note = t("profile.saved", label=LABELS[screen.saved], value=screen.view.values.get(screen.saved, ""))
    if screen.saved == "id_number" and screen.view.derived_from_id:
        note += "\n" + t(
            "profile.derived", birth=screen.view.values["birth_date"], gender=screen.view.values["gender"]
        )
    return note


async def _render(update: Update, context: Context, screen: Screen) -> None:
    """Confirm what was saved and ask the next question (or show the summary) in one message per step."""
    assert update.effective_chat is not None
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None
    if screen.step == "done":
        key = "profile.done" if screen.view.has_photo else "profile.done_no_photo"
        text, markup = t(key), main_menu()
    elif screen.step.startswith("consent_"):
        text, markup = _consent(screen, context)
    elif screen.step == "summary":
        text, markup = _summary(screen)
    else:
        text, markup = _question(screen)
        if screen.resumed:
            text = t("profile.resumed") + "\n\n" + text
    note = _saved_note(screen)
    if note is not None:
        text = note + "\n\n" + text
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _open_render(update: Update, context: Context, screen: Screen) -> None:
    """A new profile starts with the intro; then the question, the notice or the summary."""
    if screen.step == REQUIRED[0] and not screen.resumed:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, t("profile.intro"))
    await _render(update, context, screen)


async def show_profile(update: Update, context: Context) -> None:
    """Open 个人信息: the notice until it is agreed, then the first missing field, or the summary."""
    await _open_render(update, context, await profile.open_profile(context.bot_data.db, identity(update)))


async def _reply(message: Message, error: DomainError) -> None:
    await message.reply_text(error_text(error))


async def _receive_file(update: Update, context: Context, message: Message) -> None:
    """Check the size Telegram reports, then download and hand the bytes to one service."""
    attachment = message.photo[-1] if message.photo else message.document
    assert attachment is not None
    services = context.bot_data
    try:
        photos.check_declared_size(attachment.file_size)
        data = bytes(await (await context.bot.get_file(attachment.file_id)).download_as_bytearray())
        screen = await photos.upload(services.db, identity(update), data, attachment.file_id)
    except DomainError as refused:
        await _reply(message, refused)
        return
    await _render(update, context, screen)


async def on_input(update: Update, context: Context, state: DialogState) -> None:
    """Free input while the profile flow is open: text answers, or the photo at the photo step."""
    message = update.effective_message
    assert message is not None
    if message.photo or message.document:
        if state.step == "photo":
            await _receive_file(update, context, message)
        elif state.step in CHOICES or state.step == "identity_flags":
            await _reply(message, InvalidInput("profile.use_buttons", field=LABELS.get(state.step, "")))
        else:
            await _reply(message, InvalidInput("profile.need_text", field=LABELS.get(state.step, "")))
        return
    if message.text is not None and message.text.startswith("/"):
        await message.reply_text(t("profile.unknown_command", field=LABELS.get(state.step, "")))
        return
    if message.text is None:
        await _reply(message, InvalidInput("profile.need_text", field=LABELS.get(state.step, "")))
        return
    services = context.bot_data
    today = services.clock().astimezone(services.settings.timezone).date()
    try:
        screen = await profile.answer_text(
            services.db, identity(update), message.text, today, services.settings.tech_support_phone
        )
    except DomainError as refused:
        await _reply(message, refused)
        return
    await _render(update, context, screen)


async def on_button(update: Update, context: Context) -> None:
    """Every profile button; the server re-checks that it belongs to the open step."""
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    if match is None:
        await query.answer(t(STALE), show_alert=True)
        return
    db, who = context.bot_data.db, identity(update)
    phone = context.bot_data.settings.tech_support_phone
    try:
        if match[1]:
            screen = await profile.choose(db, who, match[2], button_number(match[3]), phone)
        elif match[4]:
            screen = await profile.toggle_flag(db, who, button_number(match[5]))
            await query.answer()
            await query.edit_message_reply_markup(InlineKeyboardMarkup(_flag_rows(screen.view.flags)))
            return
        elif match[6]:
            screen = await profile.pick_institution(db, who, button_number(match[7]))
        elif match[8] == "edit":
            screen = await profile.edit(db, who, match[9])
        elif match[8] == "next":
            screen = await profile.finish_step(db, who, match[9])
        elif match[12]:
            screen = await profile.browse(db, who, button_number(match[13]), button_number(match[14]))
        elif match[15]:
            await query.answer()
            await show_contact(update, context)
            return
        elif match[10] == "ok":
            screen = await profile.confirm(db, who)
        elif match[10] == "photo":
            screen = await photos.start_upload(db, who)
        elif match[11]:
            screen = await profile.agree(db, who, None if match[11] == "no" else match[11])
            await query.answer()
            await _open_render(update, context, screen)
            return
        else:
            screen = await profile.open_profile(db, who)
    except DomainError as refused:
        await refuse_button(update, refused)
        return
    await query.answer()
    await _render(update, context, screen)


async def replay(update: Update, context: Context, state: DialogState) -> None:
    """Show the open step again as it stands: its answer was saved, then a crash lost the reply."""
    await _render(update, context, await profile.current_screen(context.bot_data.db, identity(update)))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The profile's buttons, by their prefix."""
    return [CallbackQueryHandler(on_button, pattern=f"^{PREFIX}")]


ROUTES = Routes(
    menu={"profile": show_profile}, flows={profile.FLOW: on_input}, replays={profile.FLOW: replay}
)
