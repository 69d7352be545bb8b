"""The officer and administrator console under ``/admin``: ``app.include_router(admin_router(runtime))``."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from bot.web.admin.analytics import analytics_routes
from bot.web.admin.auth import auth_routes
from bot.web.admin.console import Console, ConsoleRuntime
from bot.web.admin.documents import document_routes
from bot.web.admin.faq import faq_routes
from bot.web.admin.publish import publish_routes
from bot.web.admin.review import review_routes
from bot.web.admin.users import user_routes

__all__ = ["Console", "admin_router"]
log = logging.getLogger(__name__)


def admin_router(runtime: object, *, console: Console | None = None) -> APIRouter:
    """``runtime``: a ``bot.runtime.Runtime`` (anything with what ``ConsoleRuntime`` lists); ``console``: one built
    by the caller (tests keep it to wait for background builds)."""
    if console is None:
        if not isinstance(runtime, ConsoleRuntime):
            log.warning("this runtime has no index or embedder (a test double?): the console is not mounted")
            return APIRouter()
        console = Console(runtime)
    router = APIRouter(include_in_schema=False, route_class=console.route_class)
    for part in (auth_routes, document_routes, faq_routes, publish_routes, review_routes, analytics_routes,
                 user_routes):
        router.include_router(part(console), prefix="/admin")
    return router
