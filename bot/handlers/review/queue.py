"""The review queue on the desk: page through submissions, approve or reject, tell the candidate at once."""

from __future__ import annotations

import logging

from telegram import Chat, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.handlers.staff_common import button, callback_parts, notify, reply, staff_ids, stale, who
from core.db.dialogs import DialogState
from core.normalise import button_number
from core.review import service as review
from core.review.queue import ReviewItem, queue_item
from core.review.service import Decision
from core.texts import t

log = logging.getLogger(__name__)


def item_text(item: ReviewItem) -> str:
    """The profile summary staff decide on; staff see full numbers."""
    certificates = "\n".join(
        t(
            "staff.review.certificate",
            kind=t(f"staff.review.kind_{'title' if c.kind == 'title' else 'skill'}"),
            field=c.field,
            level=c.level,
            number=c.number,
            issuer=c.issuer,
            issued=t("common.date", d=c.issued_on),
            verified=t("staff.review.verified")
            if c.verified
            else t("staff.review.proofs", count=len(c.proofs)),
        )
        for c in item.certificates
    ) or t("staff.review.no_certificates")
    verdict = (
        t("staff.review.verdict_ok")
        if not item.verdict
        else t("staff.review.verdict_unmet", lines="\n".join(f"· {line}" for line in item.verdict))
    )
    return t(
        "staff.review.item",
        position=item.position,
        total=item.total,
        status=t(f"staff.review.status_{item.status}"),
        name=item.name,
        id_type=item.id_type or "-",
        id_number=item.id_number or "-",
        gender=item.gender or "-",
        birth=t("common.date", d=item.birth_date) if item.birth_date else "-",
        education=item.education or "-",
        mobile=item.mobile or "-",
        email=item.email or "-",
        region=item.region or "-",
        institution=item.institution or "-",
        plan=item.plan_no,
        occupation=item.occupation or "-",
        certificates=certificates,
        verdict=verdict,
    )


def item_keyboard(item: ReviewItem, index: int) -> InlineKeyboardMarkup:
    """Decide, or move along the queue."""
    ref = f"{item.registration_id}:{item.version}"
    rows = [[button("staff.review.approve", f"stf:ok:{ref}"), button("staff.review.reject", f"stf:no:{ref}")]]
    nav = []
    if index > 0:
        nav.append(button("staff.nav.previous", f"stf:q:{index - 1}"))
    if item.position < item.total:
        nav.append(button("staff.nav.next", f"stf:q:{index + 1}"))
    nav.append(button("staff.nav.desk", "stf:desk"))
    rows.append(nav)
    rows.append([button("documents.review_export.button", "rvx:plans")])
    return InlineKeyboardMarkup(rows)


async def send_item(update: Update, context: Context, index: int) -> None:
    """Show the photo, re-send each proof by file id, then the summary with the decision buttons."""
    settings = context.bot_data.settings
    item = await queue_item(
        context.bot_data.db,
        who(update),
        staff_ids(context),
        index,
        tz=settings.timezone,
        tech_phone=settings.tech_support_phone,
        now=context.bot_data.clock(),
    )
    if item is None:
        await reply(
            update,
            t("staff.review.empty"),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        button("staff.nav.desk", "stf:desk"),
                        button("documents.review_export.button", "rvx:plans"),
                    ]
                ]
            ),
        )
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    assert chat is not None
    photo = item.photo_file_id or item.photo_bytes
    if photo is not None:
        await chat.send_photo(photo, caption=t("staff.review.photo_caption", name=item.name))
    for certificate in item.certificates:
        for proof in certificate.proofs:
            await _resend_proof(chat, proof.file_id, proof.file_name)
    await chat.send_message(item_text(item), reply_markup=item_keyboard(item, item.position - 1))


async def _resend_proof(chat: Chat, file_id: str, file_name: str) -> None:
    """Re-send a proof by file id: as a document, else as a photo, else say it cannot be shown."""
    caption = file_name[:200]
    try:
        await chat.send_document(file_id, caption=caption)
        return
    except BadRequest:
        pass
    try:
        await chat.send_photo(file_id, caption=caption)
    except BadRequest:
        log.warning("proof %s could not be re-sent", file_name)
        await chat.send_message(t("staff.review.proof_unavailable", name=file_name))


async def show_queue(update: Update, context: Context) -> None:
    """stf:q:<index>: the registration at that place in the queue."""
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    await send_item(update, context, button_number(parts[0]))


def _ref(update: Update, count: int) -> list[int] | None:
    parts = callback_parts(update, count)
    if parts is None or not all(p.isdigit() for p in parts):
        return None
    return [button_number(p) for p in parts]


async def tell_candidate(update: Update, context: Context, decision: Decision) -> None:
    """Notify the candidate now; if they blocked the bot, record it — the decision stands either way."""
    if decision.status == "approved":
        text = t("staff.review.notify_approved", name=decision.candidate_name, plan=decision.plan_no)
    else:
        text = t(
            "staff.review.notify_rejected",
            name=decision.candidate_name,
            plan=decision.plan_no,
            reason=decision.reason,
        )
    delivered = await notify(context, decision.candidate_telegram_id, text)
    if not delivered:
        await review.note_undelivered(context.bot_data.db, decision)
    key = f"staff.review.done_{decision.status}" + ("" if delivered else "_undelivered")
    assert update.effective_chat is not None
    await update.effective_chat.send_message(t(key, name=decision.candidate_name))


async def approve(update: Update, context: Context) -> None:
    """stf:ok:<registration>:<version>."""
    ref = _ref(update, 2)
    if ref is None:
        await stale(update)
        return
    decision = await review.approve(context.bot_data.db, who(update), staff_ids(context), ref[0], ref[1])
    await tell_candidate(update, context, decision)
    await send_item(update, context, 0)


async def ask_reason(update: Update, context: Context) -> None:
    """stf:no:<registration>:<version>: the preset reasons, or type one."""
    ref = _ref(update, 2)
    if ref is None:
        await stale(update)
        return
    ref_text = f"{ref[0]}:{ref[1]}"
    await review.check_undecided(context.bot_data.db, who(update), staff_ids(context), ref[0], ref[1])
    rows = [
        [button(f"staff.review.preset.r{n}", f"stf:rj:{ref_text}:{n}")]
        for n in range(1, review.PRESET_REASONS + 1)
    ]
    rows.append([button("staff.review.type_reason", f"stf:rt:{ref_text}")])
    await reply(update, t("staff.review.choose_reason"), reply_markup=InlineKeyboardMarkup(rows))


async def reject_preset(update: Update, context: Context) -> None:
    """stf:rj:<registration>:<version>:<preset>."""
    ref = _ref(update, 3)
    if ref is None:
        await stale(update)
        return
    reason = review.preset_reason(ref[2])
    decision = await review.reject(
        context.bot_data.db, who(update), staff_ids(context), ref[0], ref[1], reason
    )
    await tell_candidate(update, context, decision)
    await send_item(update, context, 0)


async def ask_typed_reason(update: Update, context: Context) -> None:
    """stf:rt:<registration>:<version>: the next text is the reason."""
    ref = _ref(update, 2)
    if ref is None:
        await stale(update)
        return
    await review.start_typed_reason(context.bot_data.db, who(update), staff_ids(context), ref[0], ref[1])
    await reply(update, t("staff.review.type_prompt", max=review.REASON_MAX))


async def on_reason_input(update: Update, context: Context, state: DialogState) -> None:
    """Typed rejection reason."""
    message = update.effective_message
    assert message is not None
    if message.text is None or message.text.startswith("/"):
        await message.reply_text(t("staff.review.type_prompt", max=review.REASON_MAX))
        return
    decision = await review.reject_typed(context.bot_data.db, who(update), staff_ids(context), message.text)
    await tell_candidate(update, context, decision)
    await send_item(update, context, 0)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Queue buttons; every one re-checks staff and the registration's version on the server."""
    return [
        CallbackQueryHandler(show_queue, pattern=r"^stf:q:"),
        CallbackQueryHandler(approve, pattern=r"^stf:ok:"),
        CallbackQueryHandler(ask_reason, pattern=r"^stf:no:"),
        CallbackQueryHandler(reject_preset, pattern=r"^stf:rj:"),
        CallbackQueryHandler(ask_typed_reason, pattern=r"^stf:rt:"),
    ]
