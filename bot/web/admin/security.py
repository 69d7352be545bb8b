"""The console cookie (itsdangerous-signed: a CSRF token and the server-side session token), and a per-address
sign-in throttle with progressive delays (the per-account delay lives with the account in the database)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "loa_console"
IP_FREE_FAILURES = 10
"""Wrong sign-ins from one address (any account) before each further attempt from it must wait."""
IP_MAX_DELAY_SECONDS = 15 * 60.0
REMEMBERED_ADDRESSES = 10_000


@dataclass(frozen=True)
class SessionData:
    csrf: str
    token: str | None = None
    """The server-side session (``console_session``); None before signing in."""


class SessionCodec:
    def __init__(self, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="loa-console-session")
        self.max_age = max_age

    def dumps(self, data: SessionData) -> str:
        return self._serializer.dumps({"csrf": data.csrf, "sid": data.token})

    def loads(self, cookie: str | None) -> SessionData | None:
        """The cookie's content, or None when missing, tampered with or older than ``max_age``."""
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("csrf"), str):
            return None
        token = raw.get("sid")
        return SessionData(raw["csrf"], token if isinstance(token, str) else None)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str, given: str | None) -> bool:
    return given is not None and secrets.compare_digest(expected.encode(), given.encode())


class AddressThrottle:
    """After ``free_failures`` wrong sign-ins in a row from an address, each further attempt from it waits 1 s,
    2 s, 4 s … up to ``max_delay``; a success clears the address. Memory is bounded (oldest addresses forgotten)."""

    def __init__(self, free_failures: int = IP_FREE_FAILURES, max_delay: float = IP_MAX_DELAY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._free = free_failures
        self._max_delay = max_delay
        self._clock = clock
        self._state: OrderedDict[str, tuple[int, float]] = OrderedDict()
        """address → (failures in a row, no attempt before this clock time)."""
        self._mutex = threading.Lock()

    def wait(self, address: str) -> float:
        """Seconds the address must still wait (0 when it may try)."""
        with self._mutex:
            _, until = self._state.get(address, (0, 0.0))
            return max(0.0, until - self._clock())

    def failed(self, address: str) -> None:
        with self._mutex:
            failures = self._state.pop(address, (0, 0.0))[0] + 1
            delay = 0.0 if failures < self._free else min(2.0 ** min(failures - self._free, 30), self._max_delay)
            self._state[address] = (failures, self._clock() + delay)
            while len(self._state) > REMEMBERED_ADDRESSES:
                self._state.popitem(last=False)

    def succeeded(self, address: str) -> None:
        with self._mutex:
            self._state.pop(address, None)
