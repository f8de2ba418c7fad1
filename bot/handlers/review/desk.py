"""The staff desk (工作台): /staff, registries and imports, invitations, staff members, audit log."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.command_menus import publish_for
from bot.context import Context
from bot.handlers.review.templates import template_keyboard
from bot.handlers.staff_common import button, callback_parts, reply, staff_ids, stale, who
from core.db.dialogs import DialogState
from core.imports import ImportReport, check_upload_size
from core.normalise import button_number, parse_id
from core.people import liaisons, roles
from core.people.audit import AuditLine
from core.people.command_menus import role_menu
from core.people.users import Role
from core.review import desk, institutions, known_certificates
from core.texts import has, t


def desk_keyboard() -> InlineKeyboardMarkup:
    """The desk's six doors."""
    return InlineKeyboardMarkup(
        [
            [button("staff.desk.queue", "stf:q:0"), button("staff.desk.institutions", "stf:inst:0")],
            [button("staff.desk.certificates", "stf:cert"), button("staff.desk.invite", "stf:inv:0")],
            [button("staff.desk.roster", "stf:ros:all:all"), button("staff.desk.audit", "stf:aud")],
        ]
    )


async def open_desk(update: Update, context: Context) -> None:
    """/staff or the desk button: the overview and the six doors."""
    overview = await desk.open_desk(context.bot_data.db, who(update), staff_ids(context))
    text = t(
        "staff.desk.overview",
        waiting=overview.waiting,
        institutions=overview.institutions,
        certificates=overview.known_certificates,
    )
    await reply(update, text, reply_markup=desk_keyboard())


async def _institution_page(update: Update, context: Context) -> institutions.InstitutionPage | None:
    """The registry page the button asks for; a malformed button gets the stale-button alert."""
    parts = callback_parts(update, 1)
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return None
    return await institutions.list_institutions(
        context.bot_data.db, who(update), staff_ids(context), button_number(parts[0])
    )


async def show_institutions(update: Update, context: Context) -> None:
    """A page of the institution registry with import and paging buttons."""
    page = await _institution_page(update, context)
    if page is None:
        return
    lines = [t("staff.institutions.header", total=page.total)]
    for line in page.lines:
        lines.append(
            t(
                "staff.institutions.line",
                name=line.name,
                uscc=line.uscc,
                kind=line.kind + (f"（{line.parent}）" if line.parent else ""),
                filing=line.filing,
                liaison=line.liaison or t("staff.institutions.no_liaison"),
            )
        )
    if not page.lines:
        lines.append(t("staff.institutions.empty"))
    rows = []
    nav = []
    if page.offset > 0:
        nav.append(button("staff.nav.previous", f"stf:inst:{max(page.offset - institutions.PAGE_SIZE, 0)}"))
    if page.offset + institutions.PAGE_SIZE < page.total:
        nav.append(button("staff.nav.next", f"stf:inst:{page.offset + institutions.PAGE_SIZE}"))
    if nav:
        rows.append(nav)
    rows.append(
        [button("staff.institutions.import", "stf:imp:institutions"), button("staff.nav.desk", "stf:desk")]
    )
    await reply(update, "\n\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def show_certificate_registry(update: Update, context: Context) -> None:
    """The certificate registry's size and its import button."""
    stats = await known_certificates.registry_stats(context.bot_data.db, who(update), staff_ids(context))
    keyboard = InlineKeyboardMarkup(
        [[button("staff.certificates.import", "stf:imp:certificates"), button("staff.nav.desk", "stf:desk")]]
    )
    await reply(
        update,
        t("staff.certificates.stats", known=stats.known, verified=stats.verified),
        reply_markup=keyboard,
    )


async def begin_import(update: Update, context: Context) -> None:
    """Ask for the file; the next document goes to the import flow."""
    parts = callback_parts(update, 1)
    if parts is None or parts[0] not in desk.IMPORT_KINDS:
        await stale(update)
        return
    await desk.start_import(context.bot_data.db, who(update), staff_ids(context), parts[0])
    await reply(update, t(f"staff.import.ask_{parts[0]}"), reply_markup=template_keyboard(parts[0]))


def report_text(kind: str, report: ImportReport) -> str:
    """The outcome of an import in words."""
    text = t(
        "staff.import.done",
        registry=t(f"staff.import.registry_{kind}"),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    if kind == "certificates":
        text += t("staff.import.verified", verified=report.verified)
    return text


async def on_import_input(update: Update, context: Context, state: DialogState) -> None:
    """A document in the import flow is imported whole or not at all; anything else gets a hint."""
    message = update.effective_message
    assert message is not None
    document = message.document
    if document is None:
        await message.reply_text(t("staff.import.send_a_file"))
        return
    check_upload_size(document.file_size)
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    kind, report = await desk.import_upload(
        context.bot_data.db, who(update), staff_ids(context), data, document.file_name or "upload"
    )
    await message.reply_text(report_text(kind, report))


async def choose_institution_to_invite(update: Update, context: Context) -> None:
    """List institutions as buttons: a liaison invitation or a candidate link for each."""
    page = await _institution_page(update, context)
    if page is None:
        return
    if not page.lines:
        await reply(update, t("staff.institutions.empty"))
        return
    rows = [
        [
            button("staff.invite.liaison_button", f"stf:il:{line.id}", name=line.name[:20]),
            button("staff.invite.candidate_button", f"stf:ic:{line.id}"),
        ]
        for line in page.lines
    ]
    if page.offset + institutions.PAGE_SIZE < page.total:
        rows.append([button("staff.nav.next", f"stf:inv:{page.offset + institutions.PAGE_SIZE}")])
    await reply(update, t("staff.invite.choose"), reply_markup=InlineKeyboardMarkup(rows))


async def create_invitation(update: Update, context: Context) -> None:
    """Create a liaison invitation (stf:il) or a candidate link (stf:ic) and show the deep link."""
    parts = callback_parts(update, 1)
    data = (update.callback_query.data or "") if update.callback_query else ""
    if parts is None or not parts[0].isdigit():
        await stale(update)
        return
    kind = "liaison" if data.startswith("stf:il:") else "candidate"
    invitation = await liaisons.create_invitation(
        context.bot_data.db,
        who(update),
        staff_ids(context),
        button_number(parts[0]),
        kind,
        context.bot_data.clock(),
    )
    link = f"https://t.me/{context.bot_data.bot_username}?start={invitation.payload}"
    await reply(
        update,
        t(
            f"staff.invite.created_{kind}",
            institution=invitation.institution,
            link=link,
            expires=t(
                "common.datetime", d=invitation.expires_at.astimezone(context.bot_data.settings.timezone)
            ),
        ),
    )


def audit_text(lines: list[AuditLine], context: Context) -> str:
    """Audit entries, newest first, one block each."""
    if not lines:
        return t("staff.audit.empty")
    blocks = [t("staff.audit.header", count=len(lines))]
    zone = context.bot_data.settings.timezone
    for line in lines:
        blocks.append(
            t(
                "staff.audit.line",
                at=t("common.datetime", d=line.at.astimezone(zone)),
                actor=line.actor,
                action=_action_label(line.action),
                subject=line.subject,
                candidate=line.candidate or "-",
                before=_brief(line.before),
                after=_brief(line.after),
            )
        )
    return "\n\n".join(blocks)


def _action_label(action: str) -> str:
    """The catalogue's name for an audited action; other features' actions show their code."""
    key = f"staff.audit.action.{action.replace('.', '_')}"
    return t(key) if has(key) else action


def _brief(values: dict[str, object] | None) -> str:
    if not values:
        return "-"
    return "，".join(f"{k}={v}" for k, v in values.items())[:300]


async def show_audit(update: Update, context: Context) -> None:
    """/audit [candidate] or the desk button: recent entries, optionally about one candidate."""
    query = " ".join(context.args or []) if update.callback_query is None else None
    lines = await desk.audit_log(context.bot_data.db, who(update), staff_ids(context), query or None)
    await reply(update, audit_text(lines, context)[:4000])


async def add_staff(update: Update, context: Context) -> None:
    """/addstaff <telegram id> <name>."""
    args = context.args or []
    telegram_id = parse_id(args[0], error="staff.members.usage_add") if args else 0
    entry = await roles.add_staff(
        context.bot_data.db, who(update), staff_ids(context), telegram_id, " ".join(args[1:])
    )
    await publish_for(context.bot, entry.telegram_id, Role.STAFF)
    await reply(update, t("staff.members.added", telegram_id=entry.telegram_id, name=entry.name or "-"))


async def remove_staff(update: Update, context: Context) -> None:
    """/removestaff <telegram id>."""
    args = context.args or []
    telegram_id = parse_id(args[0], error="staff.members.usage_remove") if len(args) == 1 else 0
    await roles.remove_staff(context.bot_data.db, who(update), staff_ids(context), telegram_id)
    role = await role_menu(context.bot_data.db, telegram_id, staff_ids(context))
    await publish_for(context.bot, telegram_id, role)
    await reply(update, t("staff.members.removed", telegram_id=args[0]))


async def list_staff(update: Update, context: Context) -> None:
    """/stafflist: configured and added staff."""
    entries = await roles.list_staff(context.bot_data.db, who(update), staff_ids(context))
    lines = [t("staff.members.header")]
    for entry in entries:
        key = "staff.members.line_configured" if entry.configured else "staff.members.line_added"
        lines.append(t(key, telegram_id=entry.telegram_id, name=entry.name or "-"))
    await reply(update, "\n".join(lines))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Commands and desk buttons; every one re-checks the role in its core service."""
    return [
        CommandHandler("staff", open_desk),
        CommandHandler("audit", show_audit),
        CommandHandler("addstaff", add_staff),
        CommandHandler("removestaff", remove_staff),
        CommandHandler("stafflist", list_staff),
        CallbackQueryHandler(open_desk, pattern=r"^stf:desk$"),
        CallbackQueryHandler(show_institutions, pattern=r"^stf:inst:"),
        CallbackQueryHandler(show_certificate_registry, pattern=r"^stf:cert$"),
        CallbackQueryHandler(begin_import, pattern=r"^stf:imp:"),
        CallbackQueryHandler(choose_institution_to_invite, pattern=r"^stf:inv:"),
        CallbackQueryHandler(create_invitation, pattern=r"^stf:i[lc]:"),
        CallbackQueryHandler(show_audit, pattern=r"^stf:aud$"),
    ]
