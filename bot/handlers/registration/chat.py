"""我的报名: plans and their details, registering, certificates and proofs, the pledge, submission."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.handlers.profile import chat as profile_screens
from bot.handlers.registration.views import PREFIX, button, plan_text, view_markup, view_text
from bot.handlers.start import identity
from bot.replies import STALE, error_text, refuse_button
from bot.routing import Routes
from core.db.dialogs import DialogState
from core.errors import DomainError, InvalidInput
from core.normalise import button_number
from core.profile.fields import LABELS
from core.profile.photos import MAX_PROOF_BYTES, check_declared_size
from core.registration import qualifications as registration_certs
from core.registration import service as registration
from core.registration.qualifications import CertPrompt
from core.registration.service import RegistrationView
from core.texts import t

_BUTTON = re.compile(
    r"reg:(?:(plan|view|cert|proof|del|pledge|pok|submit):(\d{1,12})|(occ):(\d{1,12}):(\d{1,2})"
    r"|c:(kind|field|level):(\d{1,2})|(pdone))"
)


async def _send(
    update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _send_view(update: Update, context: Context, view: RegistrationView) -> None:
    await _send(update, context, view_text(view), view_markup(view))


async def show_home(update: Update, context: Context) -> None:
    """我的报名: current registrations with status and next step, then the published plans."""
    services = context.bot_data
    settings = services.settings
    home = await registration.home(
        services.db, identity(update), services.clock(), settings.timezone, settings.tech_support_phone
    )
    if home.profile_missing:
        fields = "、".join(LABELS[f] for f in home.profile_missing)
        await _send(update, context, t("registration.profile_first", fields=fields))
        await profile_screens.show_profile(update, context)
        return
    for view in home.registrations:
        await _send_view(update, context, view)
    if not home.plans:
        await _send(update, context, t("registration.no_plans"))
        return
    rows = [
        [button(t("registration.plan_button", plan_no=p.plan_no, name=p.name), f"plan:{p.id}")]
        for p in home.plans
    ]
    await _send(update, context, t("registration.plans_header"), InlineKeyboardMarkup(rows))


async def _send_prompt(update: Update, context: Context, prompt: CertPrompt) -> None:
    if prompt.step == "done":
        await _send(update, context, t("registration.cert_saved_verified"))
        await _show(update, context, prompt.registration_id)
        return
    if prompt.step == "proof":
        await _send(
            update,
            context,
            t("registration.ask_proof", count=prompt.proofs),
            InlineKeyboardMarkup([[button(t("registration.button.proofs_done"), "pdone")]]),
        )
        return
    key = f"registration.ask.{prompt.step}"
    if prompt.step in ("field", "level"):
        key += f"_{prompt.kind}"
    labels = [t(f"registration.kind.{c}") if prompt.step == "kind" else c for c in prompt.choices]
    rows = [[button(label, f"c:{prompt.step}:{i}")] for i, label in enumerate(labels)]
    await _send(update, context, t(key), InlineKeyboardMarkup(rows) if rows else None)


async def _show(update: Update, context: Context, registration_id: int) -> None:
    services = context.bot_data
    settings = services.settings
    view = await registration.show(
        services.db,
        identity(update),
        registration_id,
        services.clock(),
        settings.timezone,
        settings.tech_support_phone,
    )
    await _send_view(update, context, view)


async def _dispatch(update: Update, context: Context, match: re.Match[str]) -> None:
    services = context.bot_data
    db, who, now = services.db, identity(update), services.clock()
    tz, phone = services.settings.timezone, services.settings.tech_support_phone
    action, number = match[1], button_number(match[2]) if match[2] else 0
    if action == "plan":
        plan = await registration.plan_detail(db, number, now, tz)
        rows = (
            [
                [button(t("registration.occupation_button", occupation=o), f"occ:{plan.id}:{i}")]
                for i, o in enumerate(plan.occupations)
            ]
            if plan.window_state == "open"
            else []
        )
        await _send(update, context, plan_text(plan), InlineKeyboardMarkup(rows) if rows else None)
    elif match[3]:
        view = await registration.register(
            db, who, button_number(match[4]), button_number(match[5]), now, tz, phone
        )
        await _send_view(update, context, view)
    elif action == "view":
        await _show(update, context, number)
    elif action == "cert":
        await _send_prompt(update, context, await registration_certs.start_certificate(db, who, number))
    elif match[6]:
        await _send_prompt(
            update, context, await registration_certs.choose(db, who, match[6], button_number(match[7]))
        )
    elif action == "proof":
        await _send_prompt(update, context, await registration_certs.start_proofs(db, who, number))
    elif match[8]:
        await _show(update, context, await registration_certs.finish(db, who))
    elif action == "del":
        registration_id = await registration_certs.delete_certificate(db, who, number)
        await _send(update, context, t("registration.deleted"))
        await _show(update, context, registration_id)
    elif action == "pledge":
        rows = [[button(t("registration.button.pledge_ok"), f"pok:{number}")]]
        await _send(update, context, t("registration.pledge_text"), InlineKeyboardMarkup(rows))
    elif action == "pok":
        view = await registration.confirm_pledge(db, who, number, now, tz, phone)
        await _send(update, context, t("registration.pledge_saved"))
        await _send_view(update, context, view)
    else:
        view = await registration.submit(db, who, number, now, tz, phone)
        key = "registration.resubmitted" if view.status == "resubmitted" else "registration.submitted"
        await _send(update, context, t(key))
        await _send_view(update, context, view)


async def on_button(update: Update, context: Context) -> None:
    """Every 我的报名 button; ownership and state are checked again on the server."""
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    if match is None:
        await query.answer(t(STALE), show_alert=True)
        return
    try:
        await _dispatch(update, context, match)
    except DomainError as refused:
        await refuse_button(update, refused)
        return
    await query.answer()


async def _receive_proof(update: Update, context: Context, message: Message) -> None:
    attachment = message.photo[-1] if message.photo else message.document
    assert attachment is not None
    name = getattr(attachment, "file_name", None) or t("registration.proof_default_name")
    db, who = context.bot_data.db, identity(update)
    try:
        check_declared_size(attachment.file_size, MAX_PROOF_BYTES)
        await registration_certs.expecting_proof(db, who)
        data = bytes(await (await context.bot.get_file(attachment.file_id)).download_as_bytearray())
        prompt = await registration_certs.add_proof(db, who, data, attachment.file_id, name)
    except DomainError as refused:
        await message.reply_text(error_text(refused))
        return
    done = InlineKeyboardMarkup([[button(t("registration.button.proofs_done"), "pdone")]])
    text = t("registration.proof_saved", count=prompt.proofs, max=registration_certs.MAX_PROOFS)
    await message.reply_text(text, reply_markup=done)


async def on_input(update: Update, context: Context, state: DialogState) -> None:
    """Typed certificate details, or proof files at the proof step."""
    message = update.effective_message
    assert message is not None
    if message.photo or message.document:
        if state.step == "proof":
            await _receive_proof(update, context, message)
        else:
            await message.reply_text(error_text(InvalidInput("registration.need_text")))
        return
    if message.text is not None and message.text.startswith("/"):
        await message.reply_text(t("profile.unknown_command", field=t("registration.flow_label")))
        return
    if message.text is None:
        await message.reply_text(error_text(InvalidInput("registration.need_text")))
        return
    services = context.bot_data
    today = services.clock().astimezone(services.settings.timezone).date()
    try:
        prompt = await registration_certs.answer_text(services.db, identity(update), message.text, today)
    except DomainError as refused:
        await message.reply_text(error_text(refused))
        return
    if prompt.step == "proof":
        await _send(update, context, t("registration.cert_saved_need_proof"))
    await _send_prompt(update, context, prompt)


async def replay(update: Update, context: Context, state: DialogState) -> None:
    """Ask the open certificate step again: its answer was saved, then a crash lost the reply."""
    prompt = await registration_certs.current_prompt(context.bot_data.db, identity(update))
    await _send_prompt(update, context, prompt)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The 我的报名 buttons, by their prefix."""
    return [CallbackQueryHandler(on_button, pattern=f"^{PREFIX}")]


ROUTES = Routes(
    menu={"registration": show_home},
    flows={registration_certs.FLOW: on_input},
    replays={registration_certs.FLOW: replay},
)
