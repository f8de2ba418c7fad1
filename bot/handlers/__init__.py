"""Every feature's handlers, registered in one visible order."""

from __future__ import annotations

from types import ModuleType

from bot.context import App
from bot.handlers import archive, errors, info, onboarding, router, start
from bot.handlers.certificates import chat as certificates
from bot.handlers.certificates import mailing, seal
from bot.handlers.notices import broadcast
from bot.handlers.notices import receipts as notices
from bot.handlers.offline import batches, exam, results, tickets
from bot.handlers.people import liaisons as liaison
from bot.handlers.plans import chat as plans
from bot.handlers.plans import imports as plan_import
from bot.handlers.privacy import chat as privacy
from bot.handlers.profile import chat as profile
from bot.handlers.quiz import chat as quiz
from bot.handlers.quiz import content_import
from bot.handlers.registration import chat as registration
from bot.handlers.review import export as review_export
from bot.handlers.review import staff, templates
from bot.handlers.study import chat as study
from bot.routing import Routes

# Feature modules, each exposing handlers() and ROUTES, in the order their handlers are tried.
FEATURES: tuple[ModuleType, ...] = (
    start,  # /start, /help, /cancel
    info,  # 考生须知, 联系我们
    profile,  # 个人信息 and 上传照片
    registration,  # 我的报名: plans, certificates, proofs, submission
    study,  # 培训学习
    content_import,  # per-plan course, bank and blueprint imports (staff)
    quiz,  # the online quiz, one question per message
    results,  # 成绩查询
    batches,  # offline training batches (staff)
    tickets,  # 打印准考证, check-in
    exam,  # qualification exam results
    certificates,  # 证书查看, /verify, revocation
    seal,  # the centre's seal on certificates and tickets (staff)
    mailing,  # 邮寄服务
    archive,  # 考试档案
    staff,  # staff desk: review, registries, invitations, rosters, audit
    review_export,  # 导出审核名单 (staff)
    plans,  # /plans: create, edit, close and archive exam plans (staff)
    onboarding,  # the setup checklist's buttons (staff)
    liaison,  # liaison deep links and rosters
    broadcast,  # staff broadcasts through the outbox
    notices,  # read receipts, mute
    privacy,  # 我的数据, /privacy: export and erasure
    templates,  # Excel templates for every import (staff)
    plan_import,  # plans from an Excel sheet (staff)
)


def register(app: App) -> Routes:
    """Register handlers in the order that decides who sees an update first, and collect routes."""
    routes = Routes()
    for feature in FEATURES:
        routes.merge(feature.ROUTES)
    # 1. commands and feature buttons (callback patterns are prefix-specific, so order among them is free)
    for feature in FEATURES:
        app.add_handlers(feature.handlers())
    # 2. menu labels, before free input: tapping the menu always leaves a flow
    app.add_handlers(router.menu_handlers())
    # 3. free input to the open flow, unknown commands, stale buttons: last
    app.add_handlers(router.fallback_handlers())
    app.add_error_handler(errors.on_error)
    return routes
