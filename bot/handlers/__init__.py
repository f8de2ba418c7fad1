"""Every feature's handlers, registered in one visible order."""

from __future__ import annotations

from bot.context import App
from bot.handlers import errors, info, router, start
from bot.routing import Routes

# Feature modules, each exposing handlers() and ROUTES. Add new features here.
FEATURES = (start, info)


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
