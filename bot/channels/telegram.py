"""Telegram through python-telegram-bot v22: webhook updates fed from Loa's web app, or polling for local use."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.channels import inbox, outbox
from bot.channels.blocks import BlockSize
from bot.channels.gateway import Gateway
from bot.channels.retry import with_retries
from bot.engine.contracts import Button, IncomingMessage, Reply
from bot.settings import Settings
from bot.web.metrics import Metrics
from bot.web.payloads import PayloadError, object_field, parse_object
from knowledge_base.db import SessionFactory

CHANNEL = "telegram"
MESSAGE_LIMIT = int(BlockSize.TELEGRAM)
CALLBACK_LIMIT = 64
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

GREETING_TEXT = "Xin chào"
NOT_TEXT = "Loa hiện chỉ đọc được tin nhắn chữ. Xin vui lòng gõ câu hỏi của bạn bằng chữ nhé."
EDITED = "Loa không đọc lại tin nhắn đã sửa. Xin vui lòng gửi nội dung mới thành một tin nhắn khác nhé."

logger = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]


def rate_limiter() -> AIORateLimiter:
    """Telegram's own limits (30 messages/s overall, 1/s per chat); a 429's ``retry_after`` is waited out."""
    return AIORateLimiter(max_retries=3)


def bot_for(settings: Settings) -> ExtBot[int]:
    """A bare bot for one-off calls (operators' commands, officers' replies)."""
    return ExtBot(settings.telegram_token.get_secret_value(), base_url=f"{settings.telegram_api_url}/bot",
                  base_file_url=f"{settings.telegram_api_url}/file/bot", rate_limiter=rate_limiter())


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Choices one per row; the 👍/👎 pair (payloads ``f:…``) side by side. Over-long payloads are left out."""
    rows: list[list[InlineKeyboardButton]] = []
    feedback: list[InlineKeyboardButton] = []
    for button in buttons:
        if len(button.payload.encode()) > CALLBACK_LIMIT:
            logger.warning("button %r dropped: callback data over %d bytes", button.label, CALLBACK_LIMIT)
            continue
        item = InlineKeyboardButton(button.label, callback_data=button.payload)
        if button.payload.startswith("f:"):
            feedback.append(item)
        else:
            rows.append([item])
    if feedback:
        rows.append(feedback)
    return InlineKeyboardMarkup(rows) if rows else None


def message_texts(reply: Reply) -> list[str]:
    """The reply as Telegram messages: the blocks the gateway cut at Telegram's size (``bot.channels.blocks``)."""
    return list(reply.blocks or (reply.text,))


class TelegramAdapter:
    """PTB handlers: translate updates into IncomingMessage and the Reply into sendMessage calls."""

    def __init__(self, gateway: Gateway, *, retry_delay: float = 0.5) -> None:
        self.gateway = gateway
        self.retry_delay = retry_delay

    def install(self, application: TelegramApplication) -> None:
        private = filters.ChatType.PRIVATE
        application.add_handler(CommandHandler(["start", "help"], self.on_start, filters=private))
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, self.on_edited))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & private & filters.TEXT, self.on_text))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & private & ~filters.TEXT, self.on_other))
        application.add_error_handler(self.on_error)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._ask(update, context, text=GREETING_TEXT)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await self._ask(update, context, text=update.effective_message.text)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await self._ask(update, context, callback=query.data or "")
        finally:
            await query.answer()  # every callback is answered, or the button spins on the user's screen

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._send_text(context.bot, _chat_id(update), EDITED)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._send_text(context.bot, _chat_id(update), NOT_TEXT)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("Telegram update %s could not be handled", getattr(update, "update_id", "?"),
                     exc_info=context.error)

    async def _ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE, *, text: str | None = None,
                   callback: str | None = None) -> None:
        chat_id = _chat_id(update)
        message = update.effective_message
        reply = await self.gateway.handle(IncomingMessage(
            channel=CHANNEL, user_key=str(chat_id), text=text, callback=callback,
            platform_message_id=str(message.message_id) if message else None,
            received_at=message.date if message else None,
        ))
        if reply is not None:
            await self.send_reply(context.bot, chat_id, reply)

    async def send_reply(self, bot: Bot, chat_id: int | str, reply: Reply) -> None:
        texts = message_texts(reply)
        markup = keyboard(reply.buttons)
        for index, text in enumerate(texts):
            await self._send_text(bot, chat_id, text, markup if index == len(texts) - 1 else None)

    async def _send_text(self, bot: Bot, chat_id: int | str, text: str,
                         markup: InlineKeyboardMarkup | None = None) -> None:
        metrics = self.gateway.metrics
        try:
            await outbox.send_once(self.gateway.runtime.session_factory, lambda: with_retries(
                lambda: bot.send_message(chat_id, text, reply_markup=markup),
                what=f"Telegram sendMessage to {chat_id}", retry_on=(NetworkError,), base_delay=self.retry_delay))
        except Exception:
            metrics.deliveries.labels(CHANNEL, "failed").inc()
            raise
        metrics.deliveries.labels(CHANNEL, "sent").inc()


def _chat_id(update: Update) -> int:
    if update.effective_chat is not None:
        return update.effective_chat.id
    assert update.effective_user is not None
    return update.effective_user.id


def build_application(settings: Settings, gateway: Gateway, *, webhook: bool = True,
                      retry_delay: float = 0.5) -> TelegramApplication:
    """PTB's Application; with ``webhook`` there is no Updater: Loa's route feeds ``update_queue``."""
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .rate_limiter(rate_limiter())
        .concurrent_updates(True)
    )
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    TelegramAdapter(gateway, retry_delay=retry_delay).install(application)
    return application


UPDATE_PARTS = ("message", "edited_message", "channel_post", "edited_channel_post", "callback_query")


def parse_update(raw: bytes, application: TelegramApplication) -> Update:
    """The Update in a webhook body, or PayloadError. PTB's ``de_json`` trusts its input (a string where an object
    belongs raises AttributeError, a huge date OverflowError), so the shape is checked first and any of those
    errors still ends as a 400."""
    body = parse_object(raw)
    update_id = body.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise PayloadError("update_id phải là số nguyên")
    for part in UPDATE_PARTS:
        content = object_field(body, part)
        for name in ("text", "data"):  # what the handlers hand to the gateway must be a string
            if content.get(name) is not None and not isinstance(content[name], str):
                raise PayloadError(f"{part}.{name} phải là chuỗi")
    try:
        return Update.de_json(body, application.bot)
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as error:
        raise PayloadError(f"không đọc được update: {type(error).__name__}") from error


def processor(application: TelegramApplication) -> inbox.Processor:
    """The inbox worker's handler of stored updates: PTB's handlers, as if the update had just arrived."""

    async def process(payload: str) -> None:
        await application.process_update(parse_update(payload.encode(), application))

    return process


def webhook_router(application: TelegramApplication, secret: str, session_factory: SessionFactory,
                   metrics: Metrics, worker: inbox.InboxWorker) -> APIRouter:
    """``POST /webhooks/telegram``: check the secret in constant time, drop retries, store the update in the
    inbox (with its de-duplication mark) before the 200; the inbox worker answers it."""
    router = APIRouter()
    expected = secret.encode()

    @router.post("/webhooks/telegram", include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        raw = await request.body()
        try:
            update = parse_update(raw, application)
        except PayloadError as problem:
            return Response(f"Bad update: {problem}", status_code=400, media_type="text/plain")
        stored = json.dumps(json.loads(raw))  # ASCII: a lone surrogate escaped in the body stays storable
        if not await run_in_threadpool(inbox.accept, session_factory, CHANNEL, str(update.update_id), stored):
            metrics.duplicates.labels(CHANNEL).inc()
            return Response(status_code=200)
        worker.notify()
        return Response(status_code=200)

    return router
