"""The one door every channel goes through to the engine: limits, metrics, and the engine off the event loop."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Protocol

from anyio import to_thread

from bot.channels.blocks import for_channel
from bot.engine.contracts import Decision, IncomingMessage, Reply
from bot.settings import Settings
from bot.web.limits import InboundLimits
from bot.web.metrics import Metrics
from knowledge_base.db import SessionFactory
from nlu.normalize import safe_text

logger = logging.getLogger(__name__)

UNREADABLE = ("Loa chưa đọc được tin nhắn này vì nó chỉ gồm những ký tự đặc biệt. "
              "Xin vui lòng gõ câu hỏi bằng chữ rồi gửi lại nhé.")


class Engine(Protocol):
    def handle(self, message: IncomingMessage) -> Reply: ...

    def record_feedback(self, message_id: int, rating: int) -> None: ...


class Runtime(Protocol):
    """What the channels and the web app need of ``bot.runtime.Runtime``."""

    settings: Settings
    session_factory: SessionFactory

    @property
    def engine(self) -> Engine: ...

    def readiness(self) -> dict[str, bool]: ...


class Gateway:
    def __init__(self, runtime: Runtime, metrics: Metrics, limits: InboundLimits | None = None) -> None:
        self.runtime = runtime
        self.metrics = metrics
        self.limits = limits or InboundLimits(runtime.settings.rate_limit_per_minute,
                                              runtime.settings.max_message_chars)

    async def handle(self, message: IncomingMessage) -> Reply | None:
        """The engine's reply, a polite limit reply, or None when the message is dropped silently (flooding).

        The engine is synchronous and CPU-bound, so it runs in a worker thread and the event loop stays free.
        """
        self.metrics.messages.labels(message.channel).inc()
        message, unreadable = clean_incoming(message)
        if unreadable:
            return unreadable_reply()
        verdict = self.limits.check(message)
        if not verdict.allowed:
            self.metrics.limited.labels(message.channel, verdict.reason or "").inc()
            return verdict.reply
        started = time.perf_counter()
        reply = await to_thread.run_sync(self.runtime.engine.handle, message)
        self.metrics.engine_seconds.labels(message.channel).observe(time.perf_counter() - started)
        self.metrics.decisions.labels(message.channel, str(reply.decision)).inc()
        return for_channel(reply, message.channel)


def unreadable_reply() -> Reply:
    return Reply(decision=Decision.REFUSED, text=UNREADABLE, blocks=(UNREADABLE,))


def clean_incoming(message: IncomingMessage) -> tuple[IncomingMessage, bool]:
    """The message with every text field made safe to store and log (``safe_text``), and whether its text was
    nothing but unsafe characters. What was removed is logged as a count, never as the characters. Every entry
    point to the engine calls this (the gateway, and the Rasa actions, which do not pass the gateway)."""
    text = safe_text(message.text) if message.text is not None else None
    cleaned = replace(message, text=text, user_key=safe_text(message.user_key) or "?",
                      callback=safe_text(message.callback) if message.callback is not None else None)
    if cleaned != message:
        removed = len(message.text or "") - len(text or "")
        logger.info("%s message from %s: %d unsafe characters removed", message.channel,
                    cleaned.user_key[:40], removed)
    return cleaned, message.text is not None and bool(message.text.strip()) and not (text or "").strip()
