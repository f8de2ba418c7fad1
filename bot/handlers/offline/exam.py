"""Staff record qualification exam results (one by one or from Excel); candidates are told their result."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.handlers.review.templates import template_keyboard
from bot.handlers.staff_common import notify
from bot.handlers.start import identity
from bot.replies import REFUSED, reply_error, served
from bot.routing import Routes
from core.certificates.service import Issuer
from core.db.dialogs import DialogState
from core.errors import DomainError
from core.offline import exam
from core.offline.exam import ExamReport
from core.texts import t


def _issuer(context: Context) -> Issuer:
    settings = context.bot_data.settings
    return Issuer(settings.issuer_name, settings.public_base_url)


async def _announce(update: Update, context: Context, report: ExamReport) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        t("offline.exam.recorded", count=len(report.recorded), passed=report.passed)
    )
    for notice in report.recorded:
        if notice.passed:
            text = t(
                "offline.exam.notice_pass", name=notice.name, score=notice.score, number=notice.certificate_no
            )
        else:
            text = t("offline.exam.notice_fail", name=notice.name, score=notice.score)
        await notify(context, notice.telegram_id, text)


async def record(update: Update, context: Context) -> None:
    """/result 准考证号或证件号码 成绩 合格|不合格 [考评等级]"""
    services = context.bot_data
    today = services.clock().astimezone(services.settings.timezone).date()
    report = await served(
        update,
        exam.record_result(
            services.db,
            identity(update),
            services.settings.staff_ids,
            list(context.args or []),
            today,
            _issuer(context),
        ),
    )
    if report is REFUSED:
        return
    await _announce(update, context, report)


async def start_import(update: Update, context: Context) -> None:
    """/results_import: ask for the results sheet."""
    services = context.bot_data
    assert update.effective_message is not None
    done = await served(update, exam.open_import(services.db, identity(update), services.settings.staff_ids))
    if done is REFUSED:
        return
    await update.effective_message.reply_text(
        t("offline.exam.import_prompt"), reply_markup=template_keyboard("results")
    )


async def on_file(update: Update, context: Context, state: DialogState) -> None:
    """The results sheet arrives: import it all or nothing."""
    services = context.bot_data
    message = update.effective_message
    assert message is not None
    document = message.document
    if document is None:
        await message.reply_text(t("offline.exam.expect_file"))
        return
    try:
        exam.check_declared_size(document.file_size, document.file_name or "")
    except DomainError as error:
        await reply_error(update, error)
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    today = services.clock().astimezone(services.settings.timezone).date()
    report = await served(
        update,
        exam.import_results(
            services.db,
            identity(update),
            services.settings.staff_ids,
            data,
            document.file_name or t("offline.exam.default_filename"),
            today,
            _issuer(context),
        ),
    )
    if report is REFUSED:
        return
    await _announce(update, context, report)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Staff commands; the sheet itself reaches the import flow."""
    return [CommandHandler("result", record), CommandHandler("results_import", start_import)]


ROUTES = Routes(flows={exam.IMPORT_FLOW: on_file})
