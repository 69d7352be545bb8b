"""The REST API, the chat page, limits, health, readiness and metrics, over real HTTP."""

from __future__ import annotations

import httpx

from tests.channels.conftest import Loa
from tests.channels.test_startup import wait_for_channels


def ask(loa: Loa, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{loa.url}/api/v1/ask", json=body, timeout=10)


def test_ask_returns_the_reply_as_json(loa: Loa) -> None:
    response = ask(loa, {"user": "u-1", "text": "Chuẩn nghèo là gì?"})
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "answered"
    assert body["text"] == "Trả lời: Chuẩn nghèo là gì?"
    assert body["blocks"] == [body["text"]]
    assert body["citations"] == []
    assert [b["label"] for b in body["buttons"]] == ["Xem chi tiết", "👍", "👎"]
    [asked] = loa.engine.handled
    assert (asked.channel, asked.user_key) == ("api", "u-1")


def test_a_button_payload_goes_back_as_a_callback(loa: Loa) -> None:
    answer = ask(loa, {"user": "u-2", "text": "Hỏi"}).json()
    thanks = ask(loa, {"user": "u-2", "callback": answer["buttons"][1]["payload"]}).json()
    assert thanks["text"] == "Cảm ơn bạn đã góp ý!"
    assert loa.engine.handled[-1].callback == f"f:+:{answer['message_id']}"


def test_bad_requests_are_rejected(loa: Loa) -> None:
    assert ask(loa, {"user": "u-3"}).status_code == 422
    assert ask(loa, {"text": "x"}).status_code == 422
    assert loa.engine.handled == []


def test_openapi_documents_ask(loa: Loa) -> None:
    schema = httpx.get(f"{loa.url}/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/ask"]["post"]
    assert "AskRequest" in str(operation["requestBody"])
    assert "AskResponse" in str(operation["responses"]["200"])


def test_too_long_a_message_gets_a_polite_reply(loa: Loa) -> None:
    body = ask(loa, {"user": "u-4", "text": "a" * 501}).json()
    assert body["decision"] == "refused"
    assert "dài quá 500 ký tự" in body["text"]
    assert loa.engine.handled == []


def test_flooding_is_answered_once_then_dropped(loa: Loa) -> None:
    limit = loa.settings.rate_limit_per_minute
    for number in range(limit):
        assert ask(loa, {"user": "flood", "text": f"câu {number}"}).json()["decision"] == "answered"
    warned = ask(loa, {"user": "flood", "text": "thêm"})
    assert warned.status_code == 200
    assert warned.json()["text"].startswith("Bạn đang gửi tin nhắn hơi nhanh")
    assert ask(loa, {"user": "flood", "text": "nữa"}).status_code == 429
    assert ask(loa, {"user": "someone-else", "text": "chào"}).json()["decision"] == "answered"
    assert len(loa.engine.handled) == limit + 1


def test_health_readiness_and_metrics(loa: Loa) -> None:
    assert httpx.get(f"{loa.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{loa.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "index": True}
    assert wait_for_channels(loa.url) == {"telegram": "up", "zalo_bot": "up"}
    ask(loa, {"user": "m", "text": "Hỏi"})
    metrics = httpx.get(f"{loa.url}/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'loa_messages_total{channel="api"} 1.0' in text
    assert 'loa_decisions_total{channel="api",decision="answered"} 1.0' in text
    assert 'loa_engine_seconds_count{channel="api"} 1.0' in text
    assert 'loa_http_request_seconds_count{method="POST",route="/api/v1/ask",status="200"} 1.0' in text


def test_chat_page_is_self_contained_and_works_without_javascript(loa: Loa) -> None:
    page = httpx.get(f"{loa.url}/chat")
    assert page.status_code == 200
    html = page.text
    for accessible in ('<html lang="vi">', '<label for="text">', 'role="log"', 'aria-live="polite"'):
        assert accessible in html
    assert "//" not in html.replace("<!--", "")  # no external resource (CDN, fonts): everything is served by Loa
    for asset in ("/chat/static/chat.js", "/chat/static/chat.css"):
        assert asset in html
        assert httpx.get(f"{loa.url}{asset}").status_code == 200
    user = html.split('name="user" value="')[1].split('"')[0]
    answered = httpx.post(f"{loa.url}/chat", data={"user": user, "text": "Hộ nghèo là gì?"})
    assert "Trả lời: Hộ nghèo là gì?" in answered.text
    assert 'name="callback" value="f:+:' in answered.text
    assert httpx.post(f"{loa.url}/chat/ask", json={"user": user, "text": "Hỏi tiếp"}).json()["decision"] == "answered"
    assert [m.channel for m in loa.engine.handled] == ["web", "web"]
