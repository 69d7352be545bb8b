"""Sign-in, sign-out and the console's home page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import func, select

from bot.review.inbox import state_counts
from bot.web.admin.console import HERE, Console, Officer
from bot.web.admin.security import SessionData, new_token
from bot.web.hardening import client_address
from indexer.snapshot import index_status
from knowledge_base.models import Document, Faq
from knowledge_base.services.audit import record_change
from knowledge_base.services.freshness import freshness_report
from knowledge_base.services.users import authenticate, open_session, revoke_session

WRONG = ("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang phải chờ vì nhập sai nhiều lần. "
         "Hãy kiểm tra lại và thử lại sau ít phút.")
"""One message for every failed sign-in: it never tells whether an account exists or is waiting."""
TOO_MANY = "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Hãy đợi {seconds} giây rồi thử lại."


def _safe_next(value: str) -> str:
    """Only console paths: never send the officer to another site after signing in."""
    return value if value.startswith("/admin") and not value.startswith("//") else "/admin"


def auth_routes(console: Console) -> APIRouter:
    router = APIRouter(route_class=console.route_class)

    @router.get("/static/admin.css", include_in_schema=False)
    async def stylesheet() -> FileResponse:
        return FileResponse(HERE / "static" / "admin.css", media_type="text/css",
                            headers={"Cache-Control": "max-age=3600"})

    def login_page(request: Request, next_url: str, error: str | None, status_code: int = 200) -> Response:
        data = console.session(request)
        csrf = data.csrf if data is not None else new_token()
        response = console.templates.TemplateResponse(
            request, "login.html", {"who": None, "csrf": csrf, "next": next_url, "error": error, "message": None},
            status_code=status_code)
        console.set_session(request, response, SessionData(csrf, data.token if data is not None else None))
        return response

    @router.get("/login")
    async def login_form(request: Request, next: str = "/admin") -> Response:
        return login_page(request, _safe_next(next), None)

    @router.post("/login", dependencies=[Depends(console.csrf)])
    async def login(request: Request, username: str = Form(""), password: str = Form(""),
                    next: str = Form("/admin")) -> Response:
        address = client_address(request)
        wait = console.throttle.wait(address)
        if wait:
            return login_page(request, _safe_next(next), TOO_MANY.format(seconds=max(1, round(wait))), 429)
        token = None
        with console.sessions.begin() as session:
            user = authenticate(session, username, password, address=address).user
            if user is not None:
                token = open_session(session, user, address=address, lifetime=console.lifetime)
                record_change(session, actor=user.username, actor_id=user.id, action="login", entity_type="user",
                              entity_id=user.id, summary=f"{user.username} đăng nhập từ {address}")
        if token is None:
            console.throttle.failed(address)
            return login_page(request, _safe_next(next), WRONG, 401)
        console.throttle.succeeded(address)
        response = RedirectResponse(_safe_next(next), status_code=303)
        console.set_session(request, response, SessionData(new_token(), token))
        return response

    @router.post("/logout", dependencies=[Depends(console.csrf)])
    async def logout(request: Request) -> Response:
        data = console.session(request)
        if data is not None and data.token is not None:
            with console.sessions.begin() as session:
                revoke_session(session, data.token)
        response = RedirectResponse("/admin/login", status_code=303)
        console.clear_session(response)
        return response

    @router.get("")
    @router.get("/")
    async def home(request: Request, who: Officer = Depends(console.officer)) -> Response:
        status = index_status(console.sessions, console.runtime.settings.index_dir)
        with console.sessions() as session:
            documents = session.scalar(select(func.count()).select_from(Document).where(Document.retired.is_(False)))
            faqs = {str(status): int(n) for status, n in
                    session.execute(select(Faq.status, func.count()).group_by(Faq.status)).all()}
            inbox = state_counts(session) if who.is_admin else {}
            freshness = freshness_report(session, console.runtime.settings.today_or_now())
        return console.render(request, "home.html", who, status=status, documents=documents, faqs=faqs,
                              inbox=inbox, build=console.publisher.state, freshness=freshness)

    return router
