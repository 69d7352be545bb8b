"""What every console page shares: the runtime, templates, the session cookie, the signed-in officer, CSRF and
role checks. Pages declare ``Depends(console.officer)`` or ``Depends(console.admin)``; POST handlers also
``Depends(console.csrf)``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError

from bot.engine.answer_engine import AnswerEngine
from bot.publishing import Publisher
from bot.review.inbox import InboxError
from bot.settings import Settings
from bot.web.admin.notices import notice_text
from bot.web.admin.security import COOKIE, AddressThrottle, SessionCodec, SessionData, new_token, same_token
from indexer.embedders import Embedder
from indexer.retriever import Retriever
from knowledge_base.db import SessionFactory
from knowledge_base.models import Role, User
from knowledge_base.services.documents import DocumentError
from knowledge_base.services.faqs import FaqError
from knowledge_base.services.users import UserError, session_user

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
ROLE_LABELS_VI = {Role.OFFICER: "Cán bộ", Role.ADMIN: "Quản trị viên"}
SERVICE_ERRORS = (DocumentError, FaqError, UserError, InboxError)
"""Refusals whose Vietnamese message can be shown as is."""
BAD_REQUEST = "Yêu cầu không hợp lệ. Hãy quay lại trang trước và thử lại."


class Index(Protocol):
    def current(self) -> Retriever: ...


class Understander(Protocol):
    def understand(self, text: str) -> Any: ...


@runtime_checkable
class ConsoleRuntime(Protocol):
    """What the console needs of ``bot.runtime.Runtime``."""

    settings: Settings
    session_factory: SessionFactory
    embedder: Embedder
    index: Index
    understander: Understander
    engine: AnswerEngine

    def readiness(self) -> dict[str, bool]: ...


@dataclass(frozen=True)
class Officer:
    """The signed-in account, as pages see it."""

    id: int
    username: str
    display_name: str
    role: Role
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class Console:
    def __init__(self, runtime: ConsoleRuntime, *, secret: str | None = None,
                 throttle: AddressThrottle | None = None) -> None:
        self.runtime = runtime
        self.sessions = runtime.session_factory
        configured = runtime.settings.session_secret.get_secret_value()
        if not (secret or configured):
            log.warning("LOA_SESSION_SECRET is empty: console sessions end when the server restarts")
        self.lifetime = timedelta(hours=runtime.settings.session_hours)
        self.codec = SessionCodec(secret or configured or new_token(), int(self.lifetime.total_seconds()))
        self.throttle = throttle or AddressThrottle()
        self.publisher = Publisher(runtime.session_factory, runtime.settings.index_dir, runtime.embedder)
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.globals["role_labels"] = ROLE_LABELS_VI
        self.templates.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
        self.route_class = _page_errors(self)

    # ---------------------------------------------------------------- session
    def session(self, request: Request) -> SessionData | None:
        return self.codec.loads(request.cookies.get(COOKIE))

    def set_session(self, request: Request, response: Response, data: SessionData) -> None:
        response.set_cookie(COOKIE, self.codec.dumps(data), max_age=self.codec.max_age, path="/admin",
                            httponly=True, samesite="lax", secure=request.url.scheme == "https")

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/admin")

    def _officer(self, request: Request) -> Officer:
        data = self.session(request)
        if data is None or data.token is None:
            raise _login_required(request)
        with self.sessions() as session:
            user: User | None = session_user(session, data.token)
            if user is None:
                raise _login_required(request)
            return Officer(user.id, user.username, user.display_name or user.username, user.role, data.csrf)

    # ---------------------------------------------------------------- dependencies
    def officer(self, request: Request) -> Officer:
        """Any signed-in account (officers and administrators)."""
        return self._officer(request)

    def admin(self, request: Request) -> Officer:
        """Administrators only: an officer gets 403."""
        who = self._officer(request)
        if not who.is_admin:
            raise HTTPException(403, "Trang này chỉ dành cho quản trị viên.")
        return who

    async def csrf(self, request: Request) -> None:
        """Reject a form whose ``csrf`` field does not match the session's token."""
        data = self.session(request)
        form = await request.form()  # a malformed multipart body is Starlette's HTTPException(400)
        given = form.get("csrf")
        if data is None or not same_token(data.csrf, given if isinstance(given, str) else None):
            raise HTTPException(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.")

    # ---------------------------------------------------------------- rendering
    def render(self, request: Request, name: str, who: Officer | None, status_code: int = 200,
               **context: Any) -> Response:
        context.setdefault("message", notice_text(request.query_params.get("msg")))
        context.setdefault("error", None)
        return self.templates.TemplateResponse(request, name, {"who": who, "csrf": who.csrf if who else "",
                                                               **context}, status_code=status_code)


def _page_errors(console: Console) -> type[APIRoute]:
    """Route class turning the console's HTTP errors into pages: 303 → redirect (to sign-in), others → an error
    page in Vietnamese (routers cannot register exception handlers on the app)."""

    class ConsoleRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    return await handler(request)
                except SERVICE_ERRORS as problem:
                    return console.render(request, "error.html", _who(request), 400, error=str(problem))
                except (ValueError, LookupError, DataError) as problem:
                    # a hand-made form: a value outside an enum, or one the database refuses (an id past its
                    # integer range, a NUL byte in PostgreSQL text); the transaction was rolled back
                    log.warning("console %s %s refused: %s", request.method, request.url.path, type(problem).__name__)
                    return console.render(request, "error.html", _who(request), 400, error=BAD_REQUEST)
                except HTTPException as problem:
                    if problem.status_code == 303 and problem.headers:
                        return RedirectResponse(problem.headers["Location"], status_code=303)
                    who = _who(request) if problem.status_code in (400, 403, 404) else None
                    return console.render(request, "error.html", who, problem.status_code, error=problem.detail)

            return guarded

    def _who(request: Request) -> Officer | None:
        try:
            return console.officer(request)
        except HTTPException:
            return None

    return ConsoleRoute


def _login_required(request: Request) -> HTTPException:
    return HTTPException(303, "Hãy đăng nhập.", headers={"Location": login_redirect(request.url.path)})


def login_redirect(next_url: str) -> str:
    return f"/admin/login?next={quote(next_url)}"


