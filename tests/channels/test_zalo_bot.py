"""Zalo Bot Platform: secret header, sendMessage, numbered choices instead of buttons, retries, de-duplication."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from knowledge_base.models import Feedback, Message
from tests.channels.conftest import ZALO_BOT_SECRET, Loa
from tests.channels.support import FakeApi

HEADERS = {"X-Bot-Api-Secret-Token": ZALO_BOT_SECRET}


def update(text: str, message_id: str, chat: str = "zchat-1") -> dict[str, Any]:
    return {"ok": True, "result": {"event_name": "message.text.received", "message": {
        "from": {"id": chat, "display_name": "Lan", "is_bot": False}, "chat": {"id": chat, "chat_type": "PRIVATE"},
        "text": text, "message_id": message_id, "date": int(time.time() * 1000)}}}


def deliver(loa: Loa, payload: dict[str, Any], headers: dict[str, str] = HEADERS) -> httpx.Response:
    return httpx.post(f"{loa.url}/webhooks/zalo-bot", json=payload, headers=headers, timeout=10)


def test_a_message_gets_one_reply_and_a_numbered_choice_is_a_button(loa: Loa, zalo_bot_api: FakeApi) -> None:
    assert deliver(loa, update("Chuẩn cận nghèo?", "zm-1")).status_code == 200
    [sent] = zalo_bot_api.wait_for("sendMessage")
    assert sent.path == "/botzb-token/sendMessage"
    assert sent.body["chat_id"] == "zchat-1"
    assert sent.body["text"].splitlines() == ["Trả lời: Chuẩn cận nghèo?", "", "Trả lời bằng một con số để chọn:",
                                              "1. Xem chi tiết", "2. 👍", "3. 👎"]
    assert deliver(loa, update("2", "zm-2")).status_code == 200
    thanks = zalo_bot_api.wait_for("sendMessage", 2)[1]
    assert thanks.body["text"] == "Cảm ơn bạn đã góp ý!"
    with loa.runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.question == "Chuẩn cận nghèo?")).one()
        assert [(f.message_id, f.rating) for f in session.scalars(select(Feedback))] == [(message.id, 1)]


def test_bad_secret_is_refused_and_duplicates_answered_once(loa: Loa, zalo_bot_api: FakeApi) -> None:
    assert deliver(loa, update("x", "zm-3"), headers={"X-Bot-Api-Secret-Token": "nope"}).status_code == 403
    assert deliver(loa, update("x", "zm-3"), headers={}).status_code == 403
    time.sleep(0.3)
    assert zalo_bot_api.calls("sendMessage") == []
    assert deliver(loa, update("y", "zm-4")).status_code == 200
    assert deliver(loa, update("y", "zm-4")).status_code == 200
    zalo_bot_api.wait_for("sendMessage")
    time.sleep(0.4)
    assert len(zalo_bot_api.calls("sendMessage")) == 1
    assert [m.text for m in loa.engine.handled] == ["y"]


def test_a_failing_send_is_retried(loa: Loa, zalo_bot_api: FakeApi, caplog: pytest.LogCaptureFixture) -> None:
    zalo_bot_api.fail_next("sendMessage", 500, {"ok": False})
    zalo_bot_api.fail_next("sendMessage", 200, {"ok": False, "description": "busy"})
    deliver(loa, update("z", "zm-5"))
    calls = zalo_bot_api.wait_for("sendMessage", 3)
    assert calls[0].body == calls[2].body
    assert "Zalo Bot sendMessage to zchat-1 failed (attempt 2/4)" in caplog.text


def test_the_webhook_is_registered_with_its_secret_at_start_up(loa: Loa, zalo_bot_api: FakeApi) -> None:
    [registered] = zalo_bot_api.wait_for("setWebhook")  # registered in the background at start-up
    assert registered.path == "/botzb-token/setWebhook"
    assert registered.body == {"url": "https://loa.example.gov.vn/webhooks/zalo-bot", "secret_token": ZALO_BOT_SECRET}
