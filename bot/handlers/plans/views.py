"""How plans and the /plans dialog's questions read in the chat, with their buttons."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.plans.dialog import CONFIRM, CREATE_STEPS, Prompt
from core.plans.rules import PlanDraft, parse_plan_draft
from core.plans.views import PlanView
from core.texts import t

PREFIX = "pl"
FIELD_LABELS = {
    "plan_no": "plans.field.plan_no",
    "name": "plans.field.name",
    "occupations": "plans.field.occupations",
    "registration": "plans.field.registration",
    "study": "plans.field.study",
    "training": "plans.field.training",
}


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text[:60], callback_data=data)


def _window(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return t("plans.view.training_unset")
    return t("plans.view.window", start=start, end=end)


def detail_text(draft: PlanDraft, phase: str, counts: dict[str, int] | None = None) -> str:
    """A plan's facts, as staff check them before and after saving."""
    shown = [
        t("plans.view.count_item", stage=t(f"plans.stage.{k}"), count=v)
        for k, v in (counts or {}).items()
        if v
    ]
    return t(
        "plans.view.detail",
        name=draft.name,
        plan_no=draft.plan_no,
        phase=t(f"plans.phase.{phase}"),
        occupations="、".join(draft.occupations),
        registration=_window(draft.registration_start, draft.registration_end),
        study=_window(draft.study_start, draft.study_end),
        training=_window(draft.training_start, draft.training_end),
        counts="，".join(shown) or t("plans.view.no_registrations"),
    )


def list_text(views: list[PlanView]) -> str:
    """Every plan on one screen, open first, with its numbers at a glance."""
    if not views:
        return t("plans.view.list_empty")
    lines = [t("plans.view.list_header", count=len(views))]
    for view in views:
        lines.append(
            t(
                "plans.view.list_line",
                phase=t(f"plans.phase.{view.phase}"),
                name=view.name,
                plan_no=view.plan_no,
                registrations=view.registrations,
                submitted=view.counts.get("submitted", 0),
                approved=view.counts.get("approved", 0) + view.counts.get("studying", 0),
                passed=view.counts.get("quiz_passed", 0) + view.counts.get("offline_batch", 0),
            )
        )
    return "\n".join(lines)[:4000]


def list_markup(views: list[PlanView], *, archived_shown: bool) -> InlineKeyboardMarkup:
    """A button per plan, then new plan and the archive."""
    rows = [
        [
            _button(
                t("plans.button.plan", name=v.name, phase=t(f"plans.phase.{v.phase}")), f"{PREFIX}:v:{v.id}"
            )
        ]
        for v in views[:40]
    ]
    rows.append([_button(t("plans.button.new"), f"{PREFIX}:new")])
    if not archived_shown:
        rows.append([_button(t("plans.button.archived"), f"{PREFIX}:all")])
    return InlineKeyboardMarkup(rows)


def plan_markup(view: PlanView) -> InlineKeyboardMarkup:
    """Edit any field, close early, archive; an archived plan only goes back to the list."""
    back = [_button(t("plans.button.back"), f"{PREFIX}:list")]
    if view.status == "archived":
        return InlineKeyboardMarkup([back])
    edits = [
        _button(t("plans.button.edit", label=t(label)), f"{PREFIX}:e:{view.id}:{field}")
        for field, label in FIELD_LABELS.items()
    ]
    rows = [edits[i : i + 2] for i in range(0, len(edits), 2)]
    ends = [_button(t("plans.button.archive"), f"{PREFIX}:a:{view.id}")]
    if view.status == "published":
        ends.insert(0, _button(t("plans.button.close"), f"{PREFIX}:c:{view.id}"))
    rows.extend([ends, back])
    return InlineKeyboardMarkup(rows)


def confirm_markup(action: str, plan_id: int) -> InlineKeyboardMarkup:
    """The second press that closes or archives a plan."""
    key = "plans.button.close_confirm" if action == "c" else "plans.button.archive_confirm"
    return InlineKeyboardMarkup(
        [
            [
                _button(t(key), f"{PREFIX}:{action}ok:{plan_id}"),
                _button(t("plans.button.cancel"), f"{PREFIX}:v:{plan_id}"),
            ]
        ]
    )


def prompt_text(prompt: Prompt, phase: str = "upcoming") -> str:
    """The question for the step the dialog is at, or the summary to confirm."""
    if prompt.step == CONFIRM:
        draft = parse_plan_draft(prompt.values)
        return t("plans.view.summary", detail=detail_text(draft, phase))
    question = t(f"plans.ask.{prompt.step}")
    if prompt.editing:
        current = (
            t("plans.dialog.edit_current", current=prompt.current)
            if prompt.current
            else t("plans.dialog.edit_empty")
        )
        return f"{current}\n{question}"
    n = CREATE_STEPS.index(prompt.step) + 1
    head = t("plans.dialog.step", n=n, total=len(CREATE_STEPS))
    hint = f"\n\n{t('plans.dialog.cancel_hint')}" if n == 1 else ""
    return f"{head}\n{question}{hint}"


def prompt_markup(prompt: Prompt) -> InlineKeyboardMarkup | None:
    """Skip for the optional training period, confirm or cancel at the end."""
    if prompt.step == "training":
        return InlineKeyboardMarkup([[_button(t("plans.button.skip_training"), f"{PREFIX}:skip")]])
    if prompt.step == CONFIRM:
        return InlineKeyboardMarkup(
            [
                [
                    _button(t("plans.button.confirm"), f"{PREFIX}:ok"),
                    _button(t("plans.button.cancel"), f"{PREFIX}:no"),
                ]
            ]
        )
    return None
