"""Zalo Bot Platform: the Telegram-like Zalo bot API (``/bot<token>/sendMessage``), sharing Loa's engine."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.channels import inbox, outbox
from bot.channels.blocks import BlockSize
from bot.channels.errors import DeliveryFailedError
from bot.channels.gateway import Gateway
from bot.channels.retry import with_retries
from bot.engine.contracts import Button, IncomingMessage, Reply
from bot.engine.split import split_blocks
from bot.settings import Settings
from bot.web.metrics import Metrics
from bot.web.payloads import PayloadError, object_field, parse_object

CHANNEL = "zalo_bot"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_LIMIT = int(BlockSize.ZALO)
REMEMBERED_CHATS = 10_000
NOT_TEXT = "Loa hiện chỉ đọc được tin nhắn chữ. Xin vui lòng gõ câu hỏi của bạn bằng chữ nhé."
UNSUPPORTED_EVENT = "message.unsupported.received"
UNSUPPORTED = ("Loa đã nhận được tin nhắn của bạn nhưng Zalo không chuyển nội dung đến Loa. "
               "Bạn có thể nhờ người thân hỏi giúp, hoặc liên hệ cán bộ xã, phường nơi bạn sống "
               "để được hỗ trợ trực tiếp. "
               "Loa xin cảm ơn bạn.")
CHOOSE = "Trả lời bằng một con số để chọn:"
_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")

logger = logging.getLogger(__name__)


class ZaloBotError(Exception):
    pass


class ZaloBotClient:
    def __init__(self, settings: Settings, http: httpx.AsyncClient, metrics: Metrics | None = None, *,
                 retry_delay: float = 0.5) -> None:
        self.settings = settings
        self.http = http
        self.metrics = metrics
        self.retry_delay = retry_delay

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        token = self.settings.zalo_bot_token.get_secret_value()
        response = await self.http.post(f"{self.settings.zalo_bot_api_url}/bot{token}/{method}", json=payload)
        response.raise_for_status()
        body = response.json()
        if not body.get("ok"):
            raise ZaloBotError(f"{method}: {body.get('description') or body}")
        return body.get("result")

    async def send_message(self, chat_id: str, text: str) -> None:
        try:
            await with_retries(lambda: self.call("sendMessage", {"chat_id": chat_id, "text": text}),
                               what=f"Zalo Bot sendMessage to {chat_id}",
                               retry_on=(httpx.HTTPError, ZaloBotError, ValueError), base_delay=self.retry_delay)
        except (httpx.HTTPError, ZaloBotError, ValueError) as error:
            self._count("failed")
            raise DeliveryFailedError(f"Zalo Bot không nhận tin nhắn sau nhiều lần thử: {error}") from error
        self._count("sent")

    async def send_text(self, chat_id: str, text: str) -> None:
        for piece in split_blocks(text, TEXT_LIMIT):
            await self.send_message(chat_id, piece)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.deliveries.labels(CHANNEL, outcome).inc()


def with_choices(text: str, buttons: tuple[Button, ...]) -> str:
    """The Zalo Bot API has no inline buttons: choices become a numbered list the user answers with a digit."""
    if not buttons:
        return text
    lines = [f"{number}. {button.label}" for number, button in enumerate(buttons, start=1)]
    return "\n".join([text, "", CHOOSE, *lines])


def parse_update(raw: bytes) -> dict[str, Any]:
    """The update in a webhook body (bare or wrapped in ``result``), its message, chat and sender checked to be
    objects so that processing never trips over a string; PayloadError otherwise."""
    body = parse_object(raw)
    update = object_field(body, "result") if "result" in body else body
    message = object_field(update, "message")
    object_field(message, "chat")
    object_field(message, "from")
    return update


def delivery_of(update: dict[str, Any]) -> str:
    message = update.get("message") or {}
    chat_id = str((message.get("chat") or message.get("from") or {}).get("id", ""))
    return str(message.get("message_id") or f"{chat_id}:{message.get('date')}")


class ZaloBotAdapter:
    def __init__(self, settings: Settings, gateway: Gateway, client: ZaloBotClient, worker: inbox.InboxWorker) -> None:
        self.settings = settings
        self.gateway = gateway
        self.client = client
        self.worker = worker
        self.session_factory = gateway.runtime.session_factory
        self._choices: OrderedDict[str, tuple[Button, ...]] = OrderedDict()
        """The buttons last offered in each chat (kept for the most recent chats only)."""

    def router(self) -> APIRouter:
        router = APIRouter()
        expected = self.settings.zalo_bot_webhook_secret.get_secret_value().encode()

        @router.post("/webhooks/zalo-bot", include_in_schema=False)
        async def zalo_bot_webhook(request: Request) -> Response:
            given = request.headers.get(SECRET_HEADER, "").encode()
            if not expected or not hmac.compare_digest(given, expected):
                return Response(status_code=403)
            try:
                update = parse_update(await request.body())
            except PayloadError as problem:
                return Response(f"Bad update: {problem}", status_code=400, media_type="text/plain")
            if await run_in_threadpool(inbox.accept, self.session_factory, CHANNEL, delivery_of(update),
                                       json.dumps(update)):
                self.worker.notify()
            else:
                self.gateway.metrics.duplicates.labels(CHANNEL).inc()
            return Response(status_code=200)

        return router

    async def process(self, payload: str) -> None:
        update = json.loads(payload)
        message = update.get("message") or {}
        chat_id = str((message.get("chat") or message.get("from") or {}).get("id", ""))
        if not chat_id:
            return
        text = message.get("text")
        event = update.get("event_name", "message.text.received")
        if event == UNSUPPORTED_EVENT:
            # Zalo withholds the content of messages from protected users (children, people with disabilities,
            # people who cannot read): they must not be asked to type, only told kindly where help is.
            await self._send(chat_id, UNSUPPORTED)
            return
        if event != "message.text.received" or not isinstance(text, str):
            await self._send(chat_id, NOT_TEXT)
            return
        pressed = self._pressed(chat_id, text)
        reply = await self.gateway.handle(IncomingMessage(
            channel=CHANNEL, user_key=chat_id, text=None if pressed else text, callback=pressed,
            platform_message_id=str(message.get("message_id") or "") or None, received_at=datetime.now(UTC),
        ))
        if reply is not None:
            await self.send_reply(chat_id, reply)

    def _pressed(self, chat_id: str, text: str) -> str | None:
        match = _NUMBER.fullmatch(text)
        offered = self._choices.get(chat_id, ())
        if match is None or not 1 <= int(match.group(1)) <= len(offered):
            return None
        return offered[int(match.group(1)) - 1].payload

    async def send_reply(self, chat_id: str, reply: Reply) -> None:
        blocks = list(reply.blocks or (reply.text,))
        last = with_choices(blocks[-1], reply.buttons)
        if len(last) <= TEXT_LIMIT:
            blocks[-1] = last
        else:  # the gateway cut the text at the limit; the choices go in a message of their own
            blocks.append(with_choices("", reply.buttons).lstrip())
        self._choices[chat_id] = reply.buttons
        self._choices.move_to_end(chat_id)
        while len(self._choices) > REMEMBERED_CHATS:
            self._choices.popitem(last=False)
        for block in blocks:
            await self._send(chat_id, block)

    async def _send(self, chat_id: str, text: str) -> None:
        await outbox.send_once(self.session_factory, lambda: self.client.send_message(chat_id, text))
