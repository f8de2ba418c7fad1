"""The programme's rules, indexed by the step of shared/domain they belong to (DOMAIN.md "The process").

Each rule is defined in the one feature module that owns it and imported here, so "which rule decides X" is
answered by this file, and "how" by the module named beside it. Every module listed is pure: no database, no
Telegram, no clock of its own (import-linter keeps it so). Features import their rules from the owning module,
never from here, since this index imports every feature.
"""

from __future__ import annotations

# isort: skip_file

# Plans (考评计划) and their windows, before step 1: local days in, aware instants out.
#   PlanWindows, Window, WindowState: a plan's registration and study windows ("until Aug 16": all of it).
#   parse_plan_draft, parse_plan_no, parse_window, parse_occupations, check_windows: what a valid plan is.
#   plan_phase: where a plan stands today; moved_windows: which deadlines an edit moved.
from core.plans.windows import PlanWindows, Window, WindowState
from core.plans.rules import (
    OCCUPATION_SEPARATORS,
    PLAN_FIELDS,
    PlanDraft,
    check_windows,
    moved_windows,
    parse_occupations,
    parse_plan_draft,
    parse_plan_no,
    parse_window,
    plan_phase,
)

# Step 1, 个人信息: the one definition of a complete profile, used by eligibility and by the deadline notices.
#   ProfileFacts, missing_profile_fields: the twelve required fields; None or a blank answer is missing.
#   can_edit_profile: 个人信息 is locked once a registration is approved.
#   PROVINCIAL_REGION: 报考区域 must be 省直. (Photo at most 3 MB: core/profile/photos.py, MAX_PHOTO_BYTES.)
from core.profile.completeness import (
    PROFILE_FIELD_LABELS,
    PROVINCIAL_REGION,
    ProfileFacts,
    can_edit_profile,
    missing_profile_fields,
)

# Steps 2-4, 我的报名, 申报条件 and 审核: who may register, and how a registration moves.
#   check_eligibility: profile, employer, qualification, proof, pledge and the registration window at once.
#   registration_window_unmet: the one check of the registration window (choosing and submitting alike).
#   qualifies, skill_rank, title_rank: level 3 (三级/高级工) or a title of 中级 or higher.
#   ACCEPTED_TYPES, ACCEPTED_FILING: the employer rule (two institution types, 已备案 or 拟备案).
#   next_status: draft -> submitted -> approved/rejected.
from core.registration.eligibility import (
    ACCEPTED_FILING,
    ACCEPTED_TYPES,
    SKILL_LEVELS,
    STATUS_LABELS,
    TITLE_LEVELS,
    CertificateFacts,
    EligibilityFacts,
    FilingStatus,
    InstitutionFacts,
    InstitutionType,
    RegistrationAction,
    RegistrationStatus,
    Unmet,
    check_eligibility,
    next_status,
    normalise_name,
    registration_window_unmet,
    qualifies,
    skill_rank,
    title_rank,
)

# Step 5, 培训学习: 180 minutes by the server clock, inside the study window, capped per module.
#   credit_for_session: where study minutes are credited; quiz_unlocked: the quiz opens at REQUIRED_MINUTES.
#   study_refusal: modules open only inside the study window; module_done: its whole length credited.
from core.study.credit import (
    REQUIRED_MINUTES,
    credit_for_session,
    module_done,
    progress_bar,
    quiz_unlocked,
    study_refusal,
    total_credit,
)

# Step 6, 线上考核: two attempts, 90 points or more passes.
#   can_start_attempt: where a third attempt is refused (MAX_ATTEMPTS); attempt_deadline: the timer's end.
#   draw_attempt, score_attempt, validate_blueprint: deterministic papers from the bank and blueprint.
#   answers_revealed: a finished attempt's correct answers only once the study window has closed.
#   redraw_due: a press one move behind is the move just recorded, pressed again: draw its screen again.
# Step 7, 线下培训: can_assign_batch: only those who passed online, within the batch's capacity.
# Step 8, 资格考试: examinable_levels: an examiner may examine levels 5, 4 and 3.
from core.quiz.scoring import (
    MAX_ATTEMPTS,
    PASS_MARK,
    Blueprint,
    BlueprintItem,
    DrawnQuestion,
    Question,
    QuestionType,
    answers_revealed,
    attempt_deadline,
    best_score,
    can_assign_batch,
    can_start_attempt,
    draw_attempt,
    examinable_levels,
    passed,
    redraw_due,
    score_attempt,
    validate_blueprint,
)

# Steps 7-8: where a ticket number (准考证号) and a certificate number are made, with check characters
# that catch a typo or a forgery before any database lookup.
from core.certificates.numbers import is_well_formed, new_certificate_number
from core.offline.ticket_numbers import is_valid_ticket_number, new_ticket_number

# Notices along every step: which deadline notices a plan's dates call for, and which are due now.
from core.notices.schedule import days_left, due, plan_notices

__all__ = [
    "ACCEPTED_FILING",
    "ACCEPTED_TYPES",
    "MAX_ATTEMPTS",
    "OCCUPATION_SEPARATORS",
    "PASS_MARK",
    "PLAN_FIELDS",
    "PROFILE_FIELD_LABELS",
    "PROVINCIAL_REGION",
    "REQUIRED_MINUTES",
    "SKILL_LEVELS",
    "STATUS_LABELS",
    "TITLE_LEVELS",
    "Blueprint",
    "BlueprintItem",
    "CertificateFacts",
    "DrawnQuestion",
    "EligibilityFacts",
    "FilingStatus",
    "InstitutionFacts",
    "InstitutionType",
    "PlanDraft",
    "PlanWindows",
    "ProfileFacts",
    "Question",
    "QuestionType",
    "RegistrationAction",
    "RegistrationStatus",
    "Unmet",
    "Window",
    "WindowState",
    "answers_revealed",
    "attempt_deadline",
    "best_score",
    "can_assign_batch",
    "can_edit_profile",
    "can_start_attempt",
    "check_eligibility",
    "check_windows",
    "credit_for_session",
    "days_left",
    "draw_attempt",
    "due",
    "examinable_levels",
    "is_valid_ticket_number",
    "is_well_formed",
    "missing_profile_fields",
    "module_done",
    "moved_windows",
    "new_certificate_number",
    "new_ticket_number",
    "next_status",
    "normalise_name",
    "parse_occupations",
    "parse_plan_draft",
    "parse_plan_no",
    "parse_window",
    "passed",
    "plan_notices",
    "plan_phase",
    "progress_bar",
    "qualifies",
    "quiz_unlocked",
    "redraw_due",
    "registration_window_unmet",
    "score_attempt",
    "skill_rank",
    "study_refusal",
    "title_rank",
    "total_credit",
    "validate_blueprint",
]
