"""Console sessions in a signed cookie (itsdangerous) with an expiry, a per-session CSRF token, and a per-address
sign-in throttle (the per-account lock lives with the account in the database)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "loa_console"
SESSION_SECONDS = 8 * 3600
"""A working day; after that the officer signs in again."""
IP_MAX_FAILURES = 5
IP_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class SessionData:
    csrf: str
    user_id: int | None = None


class SessionCodec:
    def __init__(self, secret: str, max_age: int = SESSION_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="loa-console-session")
        self.max_age = max_age

    def dumps(self, data: SessionData) -> str:
        return self._serializer.dumps({"csrf": data.csrf, "uid": data.user_id})

    def loads(self, cookie: str | None) -> SessionData | None:
        """The session in ``cookie``, or None when missing, tampered with or expired."""
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("csrf"), str):
            return None
        uid = raw.get("uid")
        return SessionData(raw["csrf"], uid if isinstance(uid, int) else None)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str, given: str | None) -> bool:
    return given is not None and secrets.compare_digest(expected.encode(), given.encode())


class AddressThrottle:
    """Locks an address for ``lock_seconds`` after ``max_failures`` wrong sign-ins in a row from it."""

    def __init__(self, max_failures: int = IP_MAX_FAILURES, lock_seconds: float = IP_LOCK_SECONDS) -> None:
        self._max = max_failures
        self._lock_seconds = lock_seconds
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._mutex = threading.Lock()

    def locked(self, address: str) -> float:
        """Seconds left of the address's lock (0 when free)."""
        with self._mutex:
            left = self._locked_until.get(address, 0.0) - time.monotonic()
            if left <= 0:
                self._locked_until.pop(address, None)
                return 0.0
            return left

    def failed(self, address: str) -> None:
        with self._mutex:
            count = self._failures.get(address, 0) + 1
            if count >= self._max:
                self._locked_until[address] = time.monotonic() + self._lock_seconds
                count = 0
            self._failures[address] = count

    def succeeded(self, address: str) -> None:
        with self._mutex:
            self._failures.pop(address, None)
