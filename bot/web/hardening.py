"""What every HTTP request passes through before a route sees it: the real client address (X-Forwarded-For only
from configured proxies), a body size cap, the operations-route token in production, and security headers on every
response. One pure ASGI middleware, so streaming responses and file downloads are untouched."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.settings import Settings

Networks = Sequence[IPv4Network | IPv6Network]

MAX_BODY_BYTES = 1024 * 1024
"""Every request body except document uploads (which have their own, larger limit)."""
UNCAPPED_PREFIXES = ("/admin/documents/upload",)
OPS_PATHS = ("/metrics", "/api/docs", "/api/openapi.json")
MAX_REPORTED_ERRORS = 5
MAX_ERROR_TEXT = 200

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")
"""Swagger UI (operations only, behind the token in production) is FastAPI's page with its inline bootstrap and
styles; only that page gets them."""
HSTS = "max-age=31536000; includeSubDomains"


def trusted(address: str, proxies: Networks) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: str, proxies: Networks) -> str:
    """The first address, from the right, that is not one of our proxies: the client as the nearest trusted proxy
    saw it. Anything the client itself wrote further left is ignored; a malformed hop falls back to the peer."""
    if not trusted(peer, proxies):
        return peer
    client = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not trusted(hop, proxies):
            try:
                return str(ip_address(hop))
            except ValueError:
                return client
        client = hop
    return client


def client_address(request: Request) -> str:
    """The client's address, after ``Hardening`` applied X-Forwarded-For from trusted proxies: what the console
    throttle, the audit log and the per-address rate limit all use."""
    return request.client.host if request.client else "unknown"


def _header(scope: Scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers", []) if key == name]
    return ",".join(values)


class Hardening:
    """The ASGI middleware (``app.add_middleware(Hardening, settings=...)``)."""

    def __init__(self, app: ASGIApp, settings: Settings, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.settings = settings
        self.max_body = max_body
        self.ops_token = settings.ops_token.get_secret_value().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = self._with_client(scope)
        path: str = scope["path"]
        headers = _security_headers(path, scope.get("scheme") == "https")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in headers if k not in present)]
            await send(message)

        guarded = self.settings.is_production or bool(self.ops_token)
        if guarded and path.startswith(OPS_PATHS) and not self._ops_allowed(scope):
            status = 401 if self.ops_token else 404
            await _plain(send_with_headers, status, "Cần mã truy cập vận hành." if status == 401 else "Not Found")
            return
        if not path.startswith(UNCAPPED_PREFIXES):
            body = await self._capped_body(scope, receive)
            if body is None:
                await _plain(send_with_headers, 413, "Nội dung gửi lên quá lớn.")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send_with_headers)

    def _with_client(self, scope: Scope) -> Scope:
        proxies = self.settings.trusted_proxies
        client = scope.get("client")
        if not proxies or not client or not trusted(client[0], proxies):
            return scope
        scope = dict(scope)
        forwarded = _header(scope, b"x-forwarded-for")
        if forwarded:
            scope["client"] = (forwarded_client(client[0], forwarded, proxies), client[1])
        proto = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        return scope

    def _ops_allowed(self, scope: Scope) -> bool:
        if not self.ops_token:
            return False
        given = _header(scope, b"authorization").removeprefix("Bearer ").strip().encode()
        return hmac.compare_digest(given, self.ops_token)

    async def _capped_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body (read here, so no route is ever fed more), or None when it is, or announces itself,
        larger than the cap."""
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > self.max_body:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _security_headers(path: str, https: bool) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path.startswith("/api/docs") else PAGE_CSP
    headers = [(b"content-security-policy", csp.encode()), (b"x-frame-options", b"DENY"),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
               (b"cross-origin-opener-policy", b"same-origin")]
    if https:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def short_validation_errors(_request: Request, error: Exception) -> JSONResponse:
    """A 422 that names what is wrong without echoing the input back (a 10 MB text must not come back)."""
    assert isinstance(error, RequestValidationError)
    details = [{"loc": [_safe(part, 50) for part in problem.get("loc", ())][:6],
                "msg": _safe(problem.get("msg", ""), MAX_ERROR_TEXT), "type": _safe(problem.get("type", ""), 50)}
               for problem in error.errors()[:MAX_REPORTED_ERRORS]]
    return JSONResponse({"detail": details}, status_code=422)


def _safe(value: object, limit: int) -> str:
    """Short, and encodable whatever the client sent (a lone surrogate cannot be written as UTF-8)."""
    return str(value)[:limit].encode("utf-8", "replace").decode("utf-8")


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middleware and the short 422 handler to ``app``."""
    app.add_middleware(Hardening, settings=settings)
    app.add_exception_handler(RequestValidationError, short_validation_errors)
