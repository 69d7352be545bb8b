"""``/chat``: the page, a JSON endpoint its script calls, and a plain form post for browsers without JavaScript."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bot.channels.gateway import Gateway
from bot.engine.contracts import IncomingMessage
from bot.web.api import AskRequest, AskResponse, ask, reply_json
from bot.web.hardening import client_address
from bot.web.limits import TOO_FAST, AddressLimits

HERE = Path(__file__).resolve().parent
CHANNEL = "web"
STATIC_PATH = "/chat/static"
PRESSED = "(Bạn đã chọn một mục)"

templates = Jinja2Templates(directory=HERE / "templates")


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def chat_router(gateway: Gateway, limits: AddressLimits) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    max_chars = gateway.runtime.settings.max_message_chars

    def render(request: Request, user: str, exchange: dict[str, Any] | None) -> Response:
        context = {"user": user, "exchange": exchange, "static": STATIC_PATH, "max_chars": max_chars}
        return templates.TemplateResponse(request, "chat.html", context)

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

    return router
