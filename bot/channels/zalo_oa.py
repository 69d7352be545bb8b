"""Zalo Official Account (OA API v3): a signed webhook in, customer-service messages out, OAuth tokens refreshed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from bot.channels import inbox, outbox
from bot.channels.blocks import BlockSize
from bot.channels.errors import ChannelUnavailableError, DeliveryFailedError, ReplyWindowClosedError
from bot.channels.gateway import Gateway
from bot.channels.retry import with_retries
from bot.channels.state import StoredToken, load_token, replace_token, touch_conversation
from bot.channels.window import ensure_open
from bot.engine.contracts import Button, IncomingMessage, Reply
from bot.engine.split import split_blocks
from bot.settings import Settings
from bot.web.metrics import Metrics
from bot.web.payloads import PayloadError, object_field, parse_object
from knowledge_base.db import SessionFactory
from knowledge_base.models import Conversation, Message

CHANNEL = "zalo_oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_EVENT_AGE = timedelta(minutes=10)
"""Older signed events are refused: a captured request cannot be replayed later."""
MAX_FUTURE_SKEW = timedelta(seconds=30)
"""Clocks differ a little; an event stamped further ahead than this is refused (it could be replayed for long)."""
_TIMESTAMP = re.compile(rb'"timestamp"\s*:\s*"?(\d{1,16})"?')
MAX_TIMESTAMP_CANDIDATES = 3
REPLY_WINDOW = timedelta(hours=48)
TEXT_LIMIT = int(BlockSize.ZALO)
MAX_BUTTONS = 5
BUTTON_PREFIX = "#loa:"
"""A pressed OA button comes back as a user_send_text whose text is its payload; this marks ours."""
REFRESH_MARGIN = timedelta(minutes=10)
INVALID_TOKEN_ERRORS = {-216}

WELCOME = (
    "Cảm ơn bạn đã quan tâm! Loa trả lời các câu hỏi về chính sách giảm nghèo: chuẩn nghèo, rà soát hộ nghèo, "
    "quyền lợi của hộ nghèo, hộ cận nghèo. Bạn cứ gõ câu hỏi bằng chữ nhé."
)
NOT_TEXT = "Loa hiện chỉ đọc được tin nhắn chữ. Xin vui lòng gõ câu hỏi của bạn bằng chữ nhé."

logger = logging.getLogger(__name__)


def signature(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """SHA-256 hex of app id + raw body + timestamp + OA secret key, as Zalo signs webhook events."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


def verify(header: str, app_id: str, body: bytes, timestamp: str, secret_key: str) -> bool:
    given = header.strip().removeprefix("mac=")
    expected = signature(app_id, body, timestamp, secret_key)
    return hmac.compare_digest(given.encode(), expected.encode())


def is_fresh(timestamp_ms: str, now: float | None = None) -> bool:
    """At most ``MAX_EVENT_AGE`` old and at most ``MAX_FUTURE_SKEW`` ahead of our clock."""
    try:
        sent = int(timestamp_ms) / 1000
    except ValueError:
        return False
    age = (now if now is not None else time.time()) - sent
    return -MAX_FUTURE_SKEW.total_seconds() <= age <= MAX_EVENT_AGE.total_seconds()


def signed_timestamp(header: str, app_id: str, raw: bytes, secret_key: str) -> str | None:
    """The timestamp under which ``raw`` is correctly signed, found in the raw bytes *before* any parsing (Zalo
    signs the body together with its own ``timestamp`` field); None when no candidate verifies."""
    if not header or not secret_key or not app_id:
        return None
    candidates = [found.group(1).decode() for found in _TIMESTAMP.finditer(raw)][:MAX_TIMESTAMP_CANDIDATES]
    return next((stamp for stamp in candidates if verify(header, app_id, raw, stamp, secret_key)), None)


class ZaloApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


AFTER_WINDOW = (
    "Ngoài thời hạn đó, Zalo chỉ cho Official Account gửi tin chủ động loại có giới hạn hoặc có phí (tin Truyền "
    "thông theo hạn mức của OA, hoặc tin ZNS theo mẫu đã được Zalo duyệt, gửi tới số điện thoại); quản trị viên OA "
    "gửi các tin này từ trang quản lý Zalo OA, Loa không tự gửi."
)


def last_citizen_message_id(factory: SessionFactory, user_key: str) -> str | None:
    """Zalo's ``msg_id`` of the citizen's latest message to the OA (logged with each exchange), if any."""
    with factory() as session:
        return session.scalar(
            select(Message.platform_message_id).join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.channel == CHANNEL, Conversation.user_key == user_key,
                   Message.platform_message_id.is_not(None), Message.platform_message_id != "")
            .order_by(Message.id.desc()).limit(1))


class ZaloOAClient:
    """Sends customer-service messages with a valid access token, refreshing it before it expires."""

    def __init__(self, settings: Settings, session_factory: SessionFactory, http: httpx.AsyncClient,
                 metrics: Metrics | None = None, *, retry_delay: float = 0.5) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.http = http
        self.metrics = metrics
        self.retry_delay = retry_delay
        self._refreshing = asyncio.Lock()

    async def access_token(self, *, force_refresh: bool = False) -> str:
        stored = await run_in_threadpool(load_token, self.session_factory, CHANNEL)
        if stored is None:
            raise ChannelUnavailableError("Zalo OA chưa được cấp quyền: chưa có access token trong cơ sở dữ liệu.")
        if not force_refresh and stored.expires_at - datetime.now(UTC) > REFRESH_MARGIN:
            return stored.access_token
        async with self._refreshing:
            current = await run_in_threadpool(load_token, self.session_factory, CHANNEL)
            assert current is not None
            if current.generation != stored.generation:  # refreshed meanwhile by another task
                return current.access_token
            return await self._refresh(current)

    async def _refresh(self, stored: StoredToken) -> str:
        response = await self.http.post(
            f"{self.settings.zalo_oa_oauth_url}/v4/oa/access_token",
            data={"refresh_token": stored.refresh_token, "app_id": self.settings.zalo_oa_app_id,
                  "grant_type": "refresh_token"},
            headers={"secret_key": self.settings.zalo_oa_secret_key.get_secret_value()},
        )
        response.raise_for_status()
        body = response.json()
        if "access_token" not in body:
            raise ZaloApiError(int(body.get("error", -1)), str(body.get("error_description") or body))
        expires_at = datetime.now(UTC) + timedelta(seconds=int(body.get("expires_in", 3600)))
        won = await run_in_threadpool(replace_token, self.session_factory, CHANNEL, stored.generation,
                                      body["access_token"], body["refresh_token"], expires_at)
        if won:
            logger.info("Zalo OA access token refreshed (generation %d)", stored.generation + 1)
            return str(body["access_token"])
        current = await run_in_threadpool(load_token, self.session_factory, CHANNEL)  # another worker won
        assert current is not None
        return current.access_token

    async def _post_message(self, body: dict[str, Any]) -> None:
        token = await self.access_token()
        response = await self.http.post(f"{self.settings.zalo_oa_api_url}/v3.0/oa/message/cs", json=body,
                                         headers={"access_token": token})
        response.raise_for_status()
        result = response.json()
        code = int(result.get("error", 0))
        if code in INVALID_TOKEN_ERRORS:
            await self.access_token(force_refresh=True)
        if code != 0:
            raise ZaloApiError(code, str(result.get("message", "")))

    async def send_text(self, user_id: str, text: str, buttons: tuple[Button, ...] = (),
                        quote: str | None = None) -> None:
        """``quote``: the citizen's ``msg_id`` this answers; Zalo counts a quoting reply inside the 48-hour window
        as a free customer-service reply rather than a proactive (quota-limited) message."""
        message: dict[str, Any] = {"text": text}
        if quote:
            message["react_message_id"] = quote
        if buttons:
            message["attachment"] = {"type": "template", "payload": {"buttons": [
                {"title": button.label[:100], "type": "oa.query.hide", "payload": BUTTON_PREFIX + button.payload}
                for button in buttons[:MAX_BUTTONS]
            ]}}
        body = {"recipient": {"user_id": user_id}, "message": message}
        try:
            await outbox.send_once(self.session_factory, lambda: with_retries(
                lambda: self._post_message(body), what=f"Zalo OA message to {user_id}",
                retry_on=(httpx.HTTPError, ZaloApiError, ValueError), base_delay=self.retry_delay))
        except (httpx.HTTPError, ZaloApiError, ValueError) as error:
            self._count("failed")
            raise DeliveryFailedError(f"Zalo OA không nhận tin nhắn sau nhiều lần thử: {error}") from error
        self._count("sent")

    async def send_reply(self, user_id: str, reply: Reply) -> None:
        texts = list(reply.blocks or (reply.text,))
        for index, text in enumerate(texts):
            await self.send_text(user_id, text, reply.buttons if index == len(texts) - 1 else ())

    async def send_officer_reply(self, user_key: str, text: str) -> None:
        """An officer's message to a citizen; refused with ReplyWindowClosedError outside the 48-hour window."""
        try:
            await run_in_threadpool(ensure_open, self.session_factory, CHANNEL, user_key, REPLY_WINDOW, "Zalo OA")
        except ReplyWindowClosedError as closed:
            raise ReplyWindowClosedError(f"{closed} {AFTER_WINDOW}") from closed
        quote = await run_in_threadpool(last_citizen_message_id, self.session_factory, user_key)
        for index, piece in enumerate(split_blocks(text, TEXT_LIMIT)):
            await self.send_text(user_key, piece, quote=quote if index == 0 else None)

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.deliveries.labels(CHANNEL, outcome).inc()


def parse_event(raw: bytes) -> dict[str, Any]:
    """The event object, its sender, follower and message checked to be objects; PayloadError otherwise."""
    event = parse_object(raw)
    for part in ("sender", "follower", "message"):
        object_field(event, part)
    return event


def delivery_of(event: dict[str, Any]) -> str:
    """The event's de-duplication key: Zalo's msg_id, or what identifies an event without one (a follow)."""
    message = event.get("message") or {}
    user_id = str((event.get("sender") or event.get("follower") or {}).get("id", ""))
    return str(message.get("msg_id") or f"{event.get('event_name', '')}:{user_id}:{event.get('timestamp')}")


class ZaloOAAdapter:
    """The webhook: verify, store the event in the inbox (de-duplicated by msg_id), answer 200; the inbox
    worker then calls ``process``."""

    def __init__(self, settings: Settings, gateway: Gateway, client: ZaloOAClient, worker: inbox.InboxWorker) -> None:
        self.settings = settings
        self.gateway = gateway
        self.client = client
        self.worker = worker
        self.session_factory = gateway.runtime.session_factory

    def router(self) -> APIRouter:
        router = APIRouter()

        @router.post("/webhooks/zalo-oa", include_in_schema=False)
        async def zalo_oa_webhook(request: Request) -> Response:
            raw = await request.body()
            timestamp = signed_timestamp(request.headers.get(SIGNATURE_HEADER, ""), self.settings.zalo_oa_app_id,
                                         raw, self.settings.zalo_oa_secret_key.get_secret_value())
            if timestamp is None or not is_fresh(timestamp):
                return Response(status_code=403)
            try:
                event = parse_event(raw)
            except PayloadError as problem:
                return Response(f"Bad event: {problem}", status_code=400, media_type="text/plain")
            if str(event.get("timestamp", "")) != timestamp:  # the signed stamp must be the event's own
                return Response(status_code=403)
            if await run_in_threadpool(inbox.accept, self.session_factory, CHANNEL, delivery_of(event),
                                       json.dumps(event)):
                self.worker.notify()
            else:
                self.gateway.metrics.duplicates.labels(CHANNEL).inc()
            return JSONResponse({"message": "ok"})

        return router

    async def process(self, payload: str) -> None:
        event = json.loads(payload)
        name = str(event.get("event_name", ""))
        if name.startswith("oa_send_"):  # echoes of our own messages
            return
        user_id = str((event.get("sender") or event.get("follower") or {}).get("id", ""))
        if not user_id or not (name.startswith("user_send_") or name == "follow"):
            return
        message = event.get("message") or {}
        await run_in_threadpool(touch_conversation, self.session_factory, CHANNEL, user_id)
        if name != "user_send_text":
            await self.client.send_text(user_id, WELCOME if name == "follow" else NOT_TEXT)
            return
        text = str(message.get("text", ""))
        pressed = text.removeprefix(BUTTON_PREFIX) if text.startswith(BUTTON_PREFIX) else None
        reply = await self.gateway.handle(IncomingMessage(
            channel=CHANNEL, user_key=user_id, text=None if pressed is not None else text, callback=pressed,
            platform_message_id=str(message.get("msg_id") or "") or None, received_at=datetime.now(UTC),
        ))
        if reply is not None:
            await self.client.send_reply(user_id, reply)
