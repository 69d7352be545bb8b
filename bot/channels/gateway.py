"""The one door every channel goes through to the engine: limits, metrics, and the engine off the event loop."""

from __future__ import annotations

import time
from typing import Protocol

from anyio import to_thread

from bot.engine.contracts import IncomingMessage, Reply
from bot.settings import Settings
from bot.web.limits import InboundLimits
from bot.web.metrics import Metrics
from knowledge_base.db import SessionFactory


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
        verdict = self.limits.check(message)
        if not verdict.allowed:
            self.metrics.limited.labels(message.channel, verdict.reason or "").inc()
            return verdict.reply
        started = time.perf_counter()
        reply = await to_thread.run_sync(self.runtime.engine.handle, message)
        self.metrics.engine_seconds.labels(message.channel).observe(time.perf_counter() - started)
        self.metrics.decisions.labels(message.channel, str(reply.decision)).inc()
        return reply
