"""Fakes of the outside world as real HTTP servers on 127.0.0.1, and a small engine that logs like the real one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import text

from bot.engine.contracts import Button, Decision, IncomingMessage, Reply
from bot.engine.logging import add_feedback, log_exchange
from bot.settings import Settings
from knowledge_base.db import SessionFactory


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def api_method(self) -> str:
        return self.path.rsplit("/", 1)[-1]


Responder = Callable[[Recorded], tuple[int, Any]]


class FakeApi:
    """Records every request; ``responder`` decides each answer; ``fail_next`` scripts failures per API method."""

    def __init__(self, responder: Responder) -> None:
        self.requests: list[Recorded] = []
        self._failures: dict[str, list[tuple[int, Any]]] = {}
        self._lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                kind = self.headers.get("Content-Type", "")
                body = json.loads(raw) if "json" in kind and raw else dict(parse_qsl(raw))
                fake._answer(self, Recorded("POST", self.path, dict(self.headers.items()), body))

            def do_GET(self) -> None:
                fake._answer(self, Recorded("GET", self.path, dict(self.headers.items()), {}))

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._responder = responder
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _answer(self, handler: BaseHTTPRequestHandler, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)
            scripted = self._failures.get(request.api_method)
            status, payload = scripted.pop(0) if scripted else self._responder(request)
            self._lock.notify_all()
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def fail_next(self, api_method: str, status: int, payload: Any, times: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(api_method, []).extend([(status, payload)] * times)

    def calls(self, api_method: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.api_method == api_method]

    def wait_for(self, api_method: str, count: int = 1, timeout: float = 15.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([r for r in self.requests if r.api_method == api_method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {api_method} call(s), got {self.requests!r}")
                self._lock.wait(left)
            return [r for r in self.requests if r.api_method == api_method]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def telegram_responder(request: Recorded) -> tuple[int, Any]:
    """Telegram Bot API's answers, just as PTB needs them."""
    method = request.api_method
    if method == "getMe":
        return 200, {"ok": True, "result": {"id": 4242, "is_bot": True, "first_name": "Loa", "username": "loa_bot",
                                            "can_join_groups": False, "can_read_all_group_messages": False,
                                            "supports_inline_queries": False}}
    if method == "sendMessage":
        chat_id = int(request.body["chat_id"])
        return 200, {"ok": True, "result": {"message_id": len(request.body) + int(time.time() * 1000) % 100000,
                                            "date": int(time.time()), "text": request.body.get("text", ""),
                                            "chat": {"id": chat_id, "type": "private"}}}
    if method == "getUpdates":
        time.sleep(0.05)  # a long poll that found nothing
        return 200, {"ok": True, "result": []}
    if method == "getWebhookInfo":
        return 200, {"ok": True, "result": {"url": "https://loa.example/webhooks/telegram", "pending_update_count": 0,
                                            "has_custom_certificate": False}}
    return 200, {"ok": True, "result": True}


def zalo_oa_responder(request: Recorded) -> tuple[int, Any]:
    if request.path.endswith("/v4/oa/access_token"):
        serial = int(time.monotonic() * 1000)
        return 200, {"access_token": f"access-{serial}", "refresh_token": f"refresh-{serial}", "expires_in": "90000"}
    return 200, {"error": 0, "message": "Success", "data": {"message_id": "m1", "user_id": "u"}}


def zalo_bot_responder(_request: Recorded) -> tuple[int, Any]:
    return 200, {"ok": True, "result": {"message_id": "zb1", "date": int(time.time() * 1000)}}


LONG_QUESTION = "trả lời dài"


class ScriptedEngine:
    """Answers "Trả lời: <question>" with 👍/👎 buttons, logging each exchange with the engine's own logging
    functions, so feedback lands on real Message rows. A stand-in until a test needs retrieval."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory
        self.handled: list[IncomingMessage] = []

    def handle(self, message: IncomingMessage) -> Reply:
        self.handled.append(message)
        if message.callback and message.callback.startswith("f:"):
            _, sign, message_id = message.callback.split(":")
            self.record_feedback(int(message_id), 1 if sign == "+" else -1)
            return Reply(Decision.SMALLTALK, "Cảm ơn bạn đã góp ý!", blocks=("Cảm ơn bạn đã góp ý!",))
        question = message.text or message.callback or ""
        answer = ("Câu trả lời rất dài. " * 300).strip() if question == LONG_QUESTION else f"Trả lời: {question}"
        reply = Reply(Decision.ANSWERED, answer)
        with self.session_factory.begin() as session:
            logged = log_exchange(session, channel=message.channel, user_key=message.user_key, question=question,
                                  reply=reply, intent="policy", intent_confidence=1.0, confidence=1.0, hits=[],
                                  kb_revision=None, latency_ms=0.1)
            message_id = logged.id
        buttons = (Button("Xem chi tiết", "d:1"), Button("👍", f"f:+:{message_id}"), Button("👎", f"f:-:{message_id}"))
        return Reply(Decision.ANSWERED, answer, buttons=buttons, message_id=message_id)

    def record_feedback(self, message_id: int, rating: int) -> None:
        with self.session_factory.begin() as session:
            add_feedback(session, message_id, rating)


@dataclass
class ScriptedRuntime:
    settings: Settings
    session_factory: SessionFactory
    engine: ScriptedEngine

    def readiness(self) -> dict[str, bool]:
        try:
            with self.session_factory() as session:
                session.execute(text("SELECT 1"))
        except Exception:
            return {"database": False, "index": True}
        return {"database": True, "index": True}


def telegram_update(update_id: int, chat_id: int = 777, text: str = "Chuẩn nghèo là gì?") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id * 10, "date": int(datetime.now(UTC).timestamp()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Lan"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Lan"},
    }}


@contextmanager
def fake_api(responder: Responder) -> Iterator[FakeApi]:
    api = FakeApi(responder)
    try:
        yield api
    finally:
        api.close()
