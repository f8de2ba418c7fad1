"""Texts and inline keyboards of 我的报名; pure functions of the views the core returns."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.registration.service import PlanView, RegistrationView
from core.texts import t

PREFIX = "reg:"


def button(label: str, data: str) -> InlineKeyboardButton:
    """A 我的报名 button, its data under the feature's prefix."""
    return InlineKeyboardButton(label, callback_data=PREFIX + data)


def date_text(value: object) -> str:
    """A date as the catalogue writes dates."""
    return t("common.date", d=value)


def view_text(view: RegistrationView) -> str:
    """One registration: status, next step and deadline, certificates, pledge and what is still unmet."""
    lines = [
        t(
            "registration.view",
            plan_no=view.plan_no,
            plan_name=view.plan_name,
            occupation=view.occupation,
            status=view.status_label,
        )
    ]
    if view.reject_reason:
        lines.append(t("registration.reason", reason=view.reject_reason))
    step = t("registration.next_line", next=t(view.next_step))
    if view.deadline is not None:
        step += t("registration.deadline", date=date_text(view.deadline))
    lines.append(step)
    if view.certificates:
        lines.append(t("registration.certificates_header"))
        for n, c in enumerate(view.certificates, 1):
            support = (
                t("registration.verified")
                if c.verified
                else t("registration.proofs", count=len(c.proofs))
                if c.proofs
                else t("registration.no_proof")
            )
            lines.append(
                t(
                    "registration.certificate_line",
                    n=n,
                    kind=t(f"registration.kind.{c.kind}"),
                    field=c.field,
                    level=c.level,
                    number=c.number,
                    issuer=c.issuer,
                    issued=date_text(c.issued_on),
                    support=support,
                )
            )
    else:
        lines.append(t("registration.no_certificates"))
    lines.append(t("registration.pledge_yes" if view.pledge_confirmed else "registration.pledge_no"))
    if view.editable and view.unmet:
        lines.append(t("registration.unmet_header"))
        lines.extend(f"{i}. {t(u.key, **u.params)}" for i, u in enumerate(view.unmet, 1))
    elif view.editable:
        lines.append(t("registration.ready"))
    return "\n".join(lines)


def view_markup(view: RegistrationView) -> InlineKeyboardMarkup:
    """What the candidate can do next with a registration; a decided one can only be refreshed."""
    if not view.editable:
        return InlineKeyboardMarkup([[button(t("registration.button.refresh"), f"view:{view.id}")]])
    rows = [[button(t("registration.button.add_certificate"), f"cert:{view.id}")]]
    for n, c in enumerate(view.certificates, 1):
        row = [] if c.verified else [button(t("registration.button.proof", n=n), f"proof:{c.id}")]
        row.append(button(t("registration.button.delete", n=n), f"del:{c.id}"))
        rows.append(row)
    if not view.pledge_confirmed:
        rows.append([button(t("registration.button.pledge"), f"pledge:{view.id}")])
    rows.append([button(t("registration.button.submit"), f"submit:{view.id}")])
    return InlineKeyboardMarkup(rows)


def plan_text(plan: PlanView) -> str:
    """A plan's details: windows, occupations, batches, and whether registration is open."""
    text = t(
        "registration.plan_detail",
        plan_no=plan.plan_no,
        name=plan.name,
        reg_start=date_text(plan.registration_start),
        reg_end=date_text(plan.registration_end),
        study_start=date_text(plan.study_start),
        study_end=date_text(plan.study_end),
        occupations="、".join(plan.occupations),
    )
    if plan.batches:
        lines = [t("registration.batches_header")]
        for b in plan.batches:
            lines.append(
                t(
                    "registration.batch_line",
                    name=b.name,
                    code=b.code,
                    day=date_text(b.day) if b.day else t("registration.batch_tbd"),
                    time=b.start_time or "",
                    place=b.place or t("registration.batch_tbd"),
                    capacity=b.capacity if b.capacity is not None else t("registration.batch_tbd"),
                )
            )
        text += "\n" + "\n".join(lines)
    else:
        text += "\n" + t("registration.no_batches")
    return text + "\n\n" + t(f"registration.plan_state_{plan.window_state}")
