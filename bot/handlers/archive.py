"""考试档案: the candidate's whole history in one message; also /examiners_export for staff."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.start import identity
from bot.replies import REFUSED, served
from bot.routing import Routes
from core import archive
from core.archive import Archive
from core.certificates import examiners
from core.texts import t


def _verdict(passed: bool) -> str:
    return t("offline.exam.pass") if passed else t("offline.exam.fail")


def archive_text(a: Archive, tz: ZoneInfo) -> str:
    """Lay the history out oldest first, one line per fact."""
    lines = [
        t("certs.archive.header"),
        t("certs.archive.registered", at=t("common.date", d=a.registered_at.astimezone(tz))),
    ]
    if not a.registrations:
        lines.append(t("certs.archive.none"))
    for r in a.registrations:
        lines.append(
            t(
                "certs.archive.registration",
                plan_no=r.plan_no,
                plan_name=r.plan_name,
                occupation=r.occupation,
                status=t(f"certs.status.{r.status}"),
            )
        )
        lines.append(t("certs.archive.study", minutes=r.study_minutes, required=r.required_minutes))
        for attempt in r.attempts:
            score = (
                t("certs.archive.attempt_open")
                if attempt.score is None
                else t(
                    "certs.archive.attempt_score",
                    score=attempt.score,
                    verdict=_verdict(attempt.passed),
                )
            )
            lines.append(t("certs.archive.attempt", no=attempt.attempt_no, score=score))
    if a.seat is not None:
        s = a.seat
        lines.append(
            t(
                "certs.archive.seat",
                batch=s.batch_name,
                day=t("common.date", d=s.day),
                time=s.start_time,
                place=s.place,
                ticket=s.ticket_no,
            )
        )
        lines.append(
            t("certs.archive.attended", at=t("common.datetime", d=s.checked_in_at.astimezone(tz)))
            if s.checked_in_at is not None
            else t("certs.archive.not_attended")
        )
    for result in a.exam:
        lines.append(t("certs.archive.exam", score=result.score, verdict=_verdict(result.passed)))
    if a.certificate is not None:
        c = a.certificate
        state = t("certs.state.revoked") if c.revoked_at is not None else t("certs.state.valid")
        lines.append(
            t(
                "certs.archive.certificate",
                number=c.number,
                issued_on=t("common.date", d=c.issued_on),
                state=state,
            )
        )
        if c.mail_status is not None:
            mail = (
                t("certs.mail.state_sent", tracking=c.tracking_no)
                if c.mail_status == "sent"
                else t("certs.mail.state_requested")
            )
            lines.append(t("certs.archive.mail", state=mail))
    return "\n".join(lines)


async def show_archive(update: Update, context: Context) -> None:
    """Show the candidate's history."""
    services = context.bot_data
    assert update.effective_message is not None
    history = await archive.archive_of(services.db, identity(update))
    await update.effective_message.reply_text(archive_text(history, services.settings.timezone))


async def export_examiners(update: Update, context: Context) -> None:
    """/examiners_export: the examiner database as Excel, staff only."""
    services = context.bot_data
    assert update.effective_message is not None
    exported = await served(
        update, examiners.export_examiners(services.db, identity(update), services.settings.staff_ids)
    )
    if exported is REFUSED:
        return
    workbook, count = exported
    if count == 0:
        await update.effective_message.reply_text(t("certs.examiner.export_empty"))
        return
    await update.effective_message.reply_document(
        workbook,
        filename=t("certs.examiner.export_filename"),
        caption=t("certs.examiner.export_caption", count=count),
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The export command; the archive is reached through the menu."""
    return [CommandHandler("examiners_export", export_examiners)]


ROUTES = Routes(menu={"archive": show_archive})
