"""The REST API (``POST /api/v1/ask``) and the operational routes: health, readiness, metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator, model_validator
from starlette.concurrency import run_in_threadpool

from bot.channels.gateway import Gateway
from bot.engine.contracts import Decision, IncomingMessage, Reply
from bot.web.hardening import client_address
from bot.web.limits import TOO_FAST, AddressLimits
from bot.web.metrics import Metrics

_SURROGATES = re.compile("[\ud800-\udfff]")
MAX_BODY_TEXT = 100_000
"""A hard cap for the JSON body; the polite size limit (``LOA_MAX_MESSAGE_CHARS``) applies well below it."""


class AskRequest(BaseModel):
    user: str = Field(min_length=1, max_length=200, description="A stable id for the person asking.")
    text: str = Field(default="", max_length=MAX_BODY_TEXT, description="The question, in Vietnamese.")
    callback: str | None = Field(default=None, max_length=64,
                                 description="Instead of text: the payload of a button from an earlier reply.")

    @field_validator("user", "text", "callback", mode="before")
    @classmethod
    def _no_lone_surrogates(cls, value: object) -> object:
        """A lone surrogate is a valid JSON escape but not text: dropped here, before validation refuses the whole
        question. Control and bidi characters are the gateway's to clean (it answers politely when nothing is left)."""
        return _SURROGATES.sub("", value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something_to_answer(self) -> AskRequest:
        if not self.text.strip() and not self.callback:
            raise ValueError("cần có text hoặc callback")
        return self


class CitationOut(BaseModel):
    document: str
    locator: str | None = None
    issuer: str | None = None
    issued_on: str | None = None
    status: str | None = None
    url: str | None = None


class ButtonOut(BaseModel):
    label: str
    payload: str


class AskResponse(BaseModel):
    decision: Decision
    text: str
    blocks: list[str]
    citations: list[CitationOut]
    buttons: list[ButtonOut]
    message_id: int | None = Field(default=None, description="The logged exchange; 👍/👎 buttons refer to it.")


def reply_json(reply: Reply) -> AskResponse:
    return AskResponse(
        decision=reply.decision,
        text=reply.text,
        blocks=list(reply.blocks or (reply.text,)),
        citations=[CitationOut(document=c.document, locator=c.locator, issuer=c.issuer, issued_on=c.issued_on,
                               status=c.status, url=c.url) for c in reply.citations],
        buttons=[ButtonOut(label=b.label, payload=b.payload) for b in reply.buttons],
        message_id=reply.message_id,
    )


def too_fast() -> JSONResponse:
    limited = Reply(decision=Decision.REFUSED, text=TOO_FAST, blocks=(TOO_FAST,))
    return JSONResponse(reply_json(limited).model_dump(mode="json"), status_code=429)


async def ask(gateway: Gateway, channel: str, body: AskRequest, *, address: str,
              limits: AddressLimits) -> Response | AskResponse:
    """Answer through the gateway; a message dropped for flooding (per user or per address) gets HTTP 429 with the
    polite reply."""
    if not limits.allow(address):
        gateway.metrics.limited.labels(channel, "address").inc()
        return too_fast()
    reply = await gateway.handle(IncomingMessage(channel=channel, user_key=body.user, text=body.text or None,
                                                 callback=body.callback))
    if reply is None:
        return too_fast()
    return reply_json(reply)


def address_limits(gateway: Gateway) -> AddressLimits:
    return AddressLimits(gateway.runtime.settings.rate_limit_per_address_per_minute)


def api_router(gateway: Gateway, limits: AddressLimits) -> APIRouter:
    router = APIRouter()

    @router.post("/api/v1/ask", response_model=AskResponse, tags=["api"],
                 summary="Ask Loa a question (or press a button of an earlier reply)",
                 responses={429: {"model": AskResponse, "description": "Too many messages from this user."}})
    async def ask_route(request: Request, body: AskRequest) -> Response | AskResponse:
        """The same Reply every channel gets: ``decision``, ``text`` (with ``blocks`` of ≤ 2,000 characters),
        ``citations`` and ``buttons``."""
        return await ask(gateway, "api", body, address=client_address(request), limits=limits)

    return router


def operations_router(gateway: Gateway, metrics: Metrics,
                      channels: Callable[[], dict[str, str]] = dict) -> APIRouter:
    """``channels``: each platform channel's start-up state (``up``/``degraded``); a degraded channel is reported
    but does not make the process unready, since chat, API and console serve without it."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Index loaded and database reachable")
    async def readyz() -> JSONResponse:
        checks: dict[str, Any] = await run_in_threadpool(gateway.runtime.readiness)
        ready = bool(checks) and all(checks.values())
        body: dict[str, Any] = {"ready": ready, "checks": checks}
        if states := channels():
            body["channels"] = states
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics_route(_request: Request) -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    return router
