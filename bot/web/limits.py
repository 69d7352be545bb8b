"""Inbound limits: how many messages one user may send per minute, and how long one message may be."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from bot.engine.contracts import Decision, IncomingMessage, Reply

WINDOW_SECONDS = 60.0

TOO_FAST = (
    "Bạn đang gửi tin nhắn hơi nhanh. Xin vui lòng đợi khoảng một phút rồi gửi tiếp, "
    "Loa sẽ trả lời ngay khi có thể."
)
TOO_LONG = (
    "Tin nhắn của bạn dài quá {limit} ký tự nên Loa chưa đọc được. "
    "Xin vui lòng tóm tắt câu hỏi ngắn gọn hơn rồi gửi lại."
)


@dataclass(frozen=True)
class Verdict:
    """What to do with an inbound message: pass it to the engine, answer with ``reply``, or drop it silently."""

    allowed: bool
    reply: Reply | None = None
    reason: str | None = None
    """``rate`` or ``size`` when not allowed."""


class InboundLimits:
    """A per-user sliding-window rate limit and a size limit, kept in this worker's memory.

    The user hears once per window that they are going too fast; further messages in the same window are dropped
    so a flood cannot make Loa flood the platform in turn. (With several workers this state moves to Redis.)
    """

    def __init__(self, per_minute: int, max_chars: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.max_chars = max_chars
        self._clock = clock
        self._sent: dict[tuple[str, str], deque[float]] = {}
        self._warned: dict[tuple[str, str], float] = {}
        self._lock = Lock()

    def check(self, message: IncomingMessage) -> Verdict:
        if message.text is not None and len(message.text) > self.max_chars:
            return Verdict(False, _refusal(TOO_LONG.format(limit=f"{self.max_chars:,}".replace(",", "."))), "size")
        key = (message.channel, message.user_key)
        now = self._clock()
        with self._lock:
            self._forget_idle(now)
            times = self._sent.setdefault(key, deque())
            while times and now - times[0] >= WINDOW_SECONDS:
                times.popleft()
            if len(times) < self.per_minute:
                times.append(now)
                return Verdict(True)
            warned_at = self._warned.get(key)
            if warned_at is not None and now - warned_at < WINDOW_SECONDS:
                return Verdict(False, None, "rate")
            self._warned[key] = now
        return Verdict(False, _refusal(TOO_FAST), "rate")

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: drop users whose whole window has expired (amortised, only when the map grows)."""
        if len(self._sent) < 10_000:
            return
        for key in [key for key, times in self._sent.items() if not times or now - times[-1] >= WINDOW_SECONDS]:
            del self._sent[key]
            self._warned.pop(key, None)


class AddressLimits:
    """A per-address sliding window for the open HTTP entry points (``/api/v1/ask``, ``/chat``), whose user key is
    chosen by the caller: rotating it does not get past this. The address is the client's as the app's middleware
    resolved it (``X-Forwarded-For`` only from ``LOA_TRUSTED_PROXIES``), the same one the console throttle uses."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._lock = Lock()

    def allow(self, address: str) -> bool:
        now = self._clock()
        with self._lock:
            if len(self._sent) >= 10_000:
                for key in [k for k, times in self._sent.items() if not times or now - times[-1] >= WINDOW_SECONDS]:
                    del self._sent[key]
            times = self._sent.setdefault(address, deque())
            while times and now - times[0] >= WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True


def _refusal(text: str) -> Reply:
    return Reply(decision=Decision.REFUSED, text=text, blocks=(text,))
