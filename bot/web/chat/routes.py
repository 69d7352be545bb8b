"""``/chat``: the page, a JSON endpoint its script calls, and a plain form post for browsers without JavaScript."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from bot.channels.gateway import Gateway
from bot.engine import texts
from bot.engine.contracts import IncomingMessage
from bot.web.api import AskRequest, AskResponse, ask, reply_json
from bot.web.chat.history import PRESSED, History, history, officer_replies_after
from bot.web.hardening import client_address
from bot.web.limits import TOO_FAST, AddressLimits

HERE = Path(__file__).resolve().parent
CHANNEL = "web"
STATIC_PATH = "/chat/static"

SUGGESTIONS = (
    "Hộ nghèo được hỗ trợ những gì?",
    "Hộ cận nghèo có được vay vốn ưu đãi không?",
    "Muốn được rà soát hộ nghèo thì làm thế nào?",
)
"""General questions a first-time visitor can tap; the greeting also offers the self-check."""

templates = Jinja2Templates(directory=HERE / "templates")


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def chat_router(gateway: Gateway, limits: AddressLimits) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    max_chars = gateway.runtime.settings.max_message_chars

    def render(request: Request, user: str, exchange: dict[str, Any] | None) -> Response:
        context = {"user": user, "exchange": exchange, "static": STATIC_PATH, "max_chars": max_chars,
                   "suggestions": SUGGESTIONS, "self_check": texts.SELF_CHECK_BUTTON}
        return templates.TemplateResponse(request, "chat.html", context)

    @router.get("/favicon.ico")
    async def favicon() -> Response:
        """Browsers ask for /favicon.ico whatever the page says; the same SVG icon."""
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    @router.get("/chat", response_class=HTMLResponse)
    async def page(request: Request) -> Response:
        return render(request, secrets.token_urlsafe(16), None)

    @router.post("/chat", response_class=HTMLResponse)
    async def form_post(request: Request, user: str = Form(..., max_length=200),
                        text: str = Form("", max_length=100_000),
                        callback: str | None = Form(None, max_length=64)) -> Response:
        """Without JavaScript the form posts here and the page comes back with the answer."""
        if not text.strip() and not callback:
            return render(request, user, None)
        if not limits.allow(client_address(request)):
            answer = {"text": TOO_FAST, "blocks": [TOO_FAST], "citations": [], "buttons": []}
            return render(request, user, {"question": text.strip() or PRESSED, "answer": answer})
        reply = await gateway.handle(IncomingMessage(channel=CHANNEL, user_key=user, text=text.strip() or None,
                                                     callback=callback))
        answer = (reply_json(reply).model_dump() if reply is not None
                  else {"text": TOO_FAST, "blocks": [TOO_FAST], "citations": [], "buttons": []})
        return render(request, user, {"question": text.strip() or PRESSED, "answer": answer})

    @router.post("/chat/ask", response_model=AskResponse)
    async def chat_ask(request: Request, body: AskRequest) -> Response | AskResponse:
        return await ask(gateway, CHANNEL, body, address=client_address(request), limits=limits)

    sessions = gateway.runtime.session_factory

    def read_history(user: str) -> History:
        with sessions() as session:
            return history(session, CHANNEL, user)

    def read_updates(user: str, after: int) -> History:
        with sessions() as session:
            return officer_replies_after(session, CHANNEL, user, after)

    @router.get("/chat/history", response_model=History)
    async def chat_history(user: str = Query(..., min_length=8, max_length=200)) -> History:
        """The conversation a reloaded page shows again (the page keeps its random id)."""
        return await run_in_threadpool(read_history, user)

    @router.get("/chat/updates", response_model=History)
    async def chat_updates(user: str = Query(..., min_length=8, max_length=200),
                           after: int = Query(0, ge=0, le=2**31 - 1)) -> History:
        """Officers' replies the open page has not shown yet; the page polls this."""
        return await run_in_threadpool(read_updates, user, after)

    return router
