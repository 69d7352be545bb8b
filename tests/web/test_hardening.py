"""Hardening of the running app: security headers, the production environment, operations routes behind a token,
forwarded headers only from trusted proxies, size caps, and malformed webhook bodies answered 4xx (never 500)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from bench.http import running_server
from bot.channels.zalo_oa import signature
from bot.settings import Environment, Settings
from bot.web.app import create_app
from bot.web.hardening import Hardening, forwarded_client
from knowledge_base.db import SessionFactory
from knowledge_base.models import Message
from tests.channels.conftest import (
    TELEGRAM_SECRET,
    ZALO_APP_ID,
    ZALO_BOT_SECRET,
    ZALO_SECRET,
    Loa,
    make_settings,
)
from tests.channels.support import FakeApi, ScriptedEngine, ScriptedRuntime

OPS_TOKEN = "ops-token-for-tests"


def telegram(loa: Loa, raw: bytes) -> httpx.Response:
    return httpx.post(f"{loa.url}/webhooks/telegram", content=raw, timeout=10,
                      headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})


def zalo_bot(loa: Loa, raw: bytes) -> httpx.Response:
    return httpx.post(f"{loa.url}/webhooks/zalo-bot", content=raw, timeout=10,
                      headers={"X-Bot-Api-Secret-Token": ZALO_BOT_SECRET})


def zalo_oa(loa: Loa, raw: bytes, timestamp: str) -> httpx.Response:
    mac = "mac=" + signature(ZALO_APP_ID, raw, timestamp, ZALO_SECRET)
    return httpx.post(f"{loa.url}/webhooks/zalo-oa", content=raw, timeout=10, headers={"X-ZEvent-Signature": mac})


def test_every_response_carries_the_security_headers(loa: Loa) -> None:
    for response in (httpx.get(f"{loa.url}/chat"), httpx.get(f"{loa.url}/healthz"),
                     httpx.post(f"{loa.url}/api/v1/ask", json={}), httpx.get(f"{loa.url}/nowhere")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers, "plain http: no HSTS"
    assert "<script>" not in httpx.get(f"{loa.url}/chat").text, "the chat page has no inline script"


def test_malformed_webhook_bodies_are_400_not_500(loa: Loa) -> None:
    for raw in (b"[]", b"null", b'"x"', b'{"update_id":1,"message":"hi"}', b"{", b'{"update_id":"1"}',
                b'{"update_id":1,"message":{"chat":5}}', b"[" * 100_000 + b"]" * 100_000):
        assert telegram(loa, raw).status_code == 400, raw[:40]
    for raw in (b'{"result":"x"}', b"{not json", b'{"message":[]}', b'{"result":{"message":{"chat":"x"}}}',
                b"\xff\xfe"):
        assert zalo_bot(loa, raw).status_code == 400, raw[:40]
    assert loa.engine.handled == []


def test_zalo_oa_checks_the_signature_before_parsing(loa: Loa) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    unsigned = httpx.post(f"{loa.url}/webhooks/zalo-oa", content=deep, headers={"X-ZEvent-Signature": "mac=0"})
    assert unsigned.status_code == 403
    now = str(int(time.time() * 1000))
    signed_deep = b'{"timestamp":"' + now.encode() + b'","x":' + b"[" * 1000 + b"]" * 1000 + b"}"
    assert zalo_oa(loa, signed_deep, now).status_code == 400
    future = str(int((time.time() + 9 * 60) * 1000))
    event = json.dumps({"event_name": "user_send_text", "timestamp": future, "sender": {"id": "1"},
                        "message": {"text": "x", "msg_id": "m"}}).encode()
    assert zalo_oa(loa, event, future).status_code == 403, "9 minutes in the future is refused"
    wrong_shape = json.dumps({"timestamp": now, "sender": "1"}).encode()
    assert zalo_oa(loa, wrong_shape, now).status_code == 400


def test_unsafe_characters_are_cleaned_before_the_engine_and_storage(loa: Loa) -> None:
    response = httpx.post(f"{loa.url}/api/v1/ask", json={"user": "u-1", "text": "Chu\u202e\u0000ẩn\u200b nghèo?"},
                          timeout=10)
    assert response.status_code == 200
    assert [m.text for m in loa.engine.handled] == ["Chuẩn nghèo?"]
    only_controls = httpx.post(f"{loa.url}/api/v1/ask", json={"user": "u-2", "text": "\u202e\u200b\x07"}, timeout=10)
    assert only_controls.status_code == 200
    assert "ký tự đặc biệt" in only_controls.json()["text"]
    assert len(loa.engine.handled) == 1
    surrogate = httpx.post(f"{loa.url}/api/v1/ask", content=b'{"user":"u-3","text":"H\\ud800\xe1\xbb\x8fi"}',
                           headers={"Content-Type": "application/json"}, timeout=10)
    assert surrogate.status_code == 200, "a lone surrogate is dropped and the question answered"
    assert loa.engine.handled[-1].text == "Hỏi"
    update = b'{"message":{"message_id":"m-1","chat":{"id":"c-1"},"text":"H\\ud800\xe1\xbb\x8fi"}}'
    assert zalo_bot(loa, update).status_code == 200, "a webhook's lone surrogate is removed, not a crash"
    deadline = time.monotonic() + 10
    while len(loa.engine.handled) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert loa.engine.handled[-1].text == "Hỏi"


def test_huge_bodies_get_a_short_refusal(loa: Loa) -> None:
    huge = httpx.post(f"{loa.url}/api/v1/ask", json={"user": "u", "text": "a" * 10_000_000}, timeout=30)
    assert huge.status_code == 413
    assert len(huge.content) < 200
    long = httpx.post(f"{loa.url}/api/v1/ask", json={"user": "u", "text": "a" * 200_000}, timeout=30)
    assert long.status_code == 422
    assert len(long.content) < 1000, "the 422 names the problem without echoing the input"


def test_production_needs_a_session_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="LOA_SESSION_SECRET"):
        Settings(data_dir=tmp_path, environment=Environment.PRODUCTION)
    assert Settings(data_dir=tmp_path, environment=Environment.PRODUCTION,
                    session_secret="a-long-random-secret-value").is_production  # type: ignore[arg-type]


@pytest.fixture
def production(tmp_path: Path, database_url: str, telegram_api: FakeApi, zalo_oa_api: FakeApi, zalo_bot_api: FakeApi,
               session_factory: SessionFactory, fakes: None) -> Iterator[str]:
    settings = make_settings(tmp_path, database_url, telegram_api, zalo_oa_api, zalo_bot_api,
                             environment="production", session_secret="a-long-random-secret-value",
                             ops_token=OPS_TOKEN)
    runtime = ScriptedRuntime(settings, session_factory, ScriptedEngine(session_factory))
    with running_server(create_app(runtime, retry_delay=0.05)) as url:
        yield url


def test_operations_routes_need_the_token_in_production(production: str) -> None:
    for path in ("/metrics", "/api/docs", "/api/openapi.json"):
        assert httpx.get(f"{production}{path}").status_code == 401, path
        assert httpx.get(f"{production}{path}", headers={"Authorization": "Bearer wrong"}).status_code == 401
        allowed = httpx.get(f"{production}{path}", headers={"Authorization": f"Bearer {OPS_TOKEN}"})
        assert allowed.status_code == 200, path
    assert httpx.get(f"{production}/healthz").status_code == 200


def test_without_a_token_production_disables_operations_routes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, environment=Environment.PRODUCTION,
                        session_secret="a-long-random-secret-value")  # type: ignore[arg-type]
    app = FastAPI()
    app.add_middleware(Hardening, settings=settings)

    @app.get("/metrics")
    def metrics() -> str:
        return "open"

    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404


def _echo_app(settings: Settings) -> FastAPI:
    app = FastAPI()
    app.add_middleware(Hardening, settings=settings)

    @app.get("/who")
    def who(request: Request) -> dict[str, str]:
        return {"client": request.client.host if request.client else "", "scheme": request.url.scheme}

    return app


def test_forwarded_headers_count_only_from_trusted_proxies(tmp_path: Path) -> None:
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    untrusting = _echo_app(Settings(data_dir=tmp_path))
    with TestClient(untrusting, client=("127.0.0.1", 5000)) as client:
        assert client.get("/who", headers=forged).json() == {"client": "127.0.0.1", "scheme": "http"}
    trusting = _echo_app(Settings(data_dir=tmp_path, trusted_proxies="127.0.0.1"))  # type: ignore[arg-type]
    with TestClient(trusting, client=("127.0.0.1", 5000)) as client:
        seen = client.get("/who", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9",
                                           "X-Forwarded-Proto": "https"})
        assert seen.json() == {"client": "203.0.113.9", "scheme": "https"}, "the hop the proxy saw, not the left one"
        assert "max-age" in seen.headers["strict-transport-security"], "https through the proxy: HSTS"
    proxies = Settings(data_dir=tmp_path, trusted_proxies="10.0.0.0/8").trusted_proxies  # type: ignore[arg-type]
    assert forwarded_client("10.0.0.5", "1.1.1.1, 10.0.0.7", proxies) == "1.1.1.1"
    assert forwarded_client("10.0.0.5", "garbage", proxies) == "10.0.0.5"
    assert forwarded_client("8.8.8.8", "1.1.1.1", proxies) == "8.8.8.8"


def test_stored_questions_are_masked_and_clean(loa: Loa, session_factory: SessionFactory) -> None:
    text = "Tôi tên là Nguyễn Văn An, email an.nguyen@gmail.com, stk 0071001234567, gọi 84912345678"
    assert httpx.post(f"{loa.url}/api/v1/ask", json={"user": "u-9", "text": text}, timeout=10).status_code == 200
    with session_factory() as session:
        stored = [m.question for m in session.scalars(select(Message))]
    assert stored, "the scripted engine logs the exchange"
    assert all(secret not in " ".join(stored) for secret in ("Nguyễn Văn An", "gmail", "0071001234567",
                                                               "84912345678"))


def test_rotating_user_keys_does_not_pass_the_per_address_limit(tmp_path: Path, database_url: str,
                                                                 telegram_api: FakeApi, zalo_oa_api: FakeApi,
                                                                 zalo_bot_api: FakeApi,
                                                                 session_factory: SessionFactory, fakes: None) -> None:
    settings = make_settings(tmp_path, database_url, telegram_api, zalo_oa_api, zalo_bot_api,
                             rate_limit_per_address_per_minute=3)
    runtime = ScriptedRuntime(settings, session_factory, ScriptedEngine(session_factory))
    with running_server(create_app(runtime, retry_delay=0.05)) as url:
        codes = [httpx.post(f"{url}/api/v1/ask", json={"user": f"u-{i}", "text": "Hỏi"}, timeout=10).status_code
                 for i in range(3)]
        chat = httpx.post(f"{url}/chat/ask", json={"user": "u-9", "text": "Hỏi"}, timeout=10)
    assert codes == [200, 200, 200]
    assert chat.status_code == 429, "the API and the chat page share one window per address"
    assert "hơi nhanh" in chat.json()["text"]
    assert len(runtime.engine.handled) == 3


def test_only_the_api_documentation_page_may_run_its_inline_bootstrap(loa: Loa) -> None:
    docs = httpx.get(f"{loa.url}/api/docs")
    assert docs.status_code == 200
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in httpx.get(f"{loa.url}/api/openapi.json").headers["content-security-policy"]
