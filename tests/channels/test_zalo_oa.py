"""Zalo OA: signed webhook, background processing, de-duplication, retries, token refresh, the 48-hour window."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from bot.channels.errors import ChannelUnavailableError, ReplyWindowClosedError
from bot.channels.outbound import send_to_user
from bot.channels.state import load_token, replace_token, store_token, touch_conversation
from bot.channels.zalo_oa import signature
from knowledge_base.db import SessionFactory
from knowledge_base.models import Conversation, Feedback, Message
from tests.channels.conftest import ZALO_APP_ID, ZALO_SECRET, Loa
from tests.channels.support import FakeApi

USER = "6142494823000001"


def event(text: str, msg_id: str, name: str = "user_send_text", user: str = USER,
          timestamp: int | None = None) -> dict[str, Any]:
    return {"app_id": ZALO_APP_ID, "event_name": name, "sender": {"id": user}, "recipient": {"id": "oa-1"},
            "message": {"text": text, "msg_id": msg_id}, "user_id_by_app": "979",
            "timestamp": str(timestamp if timestamp is not None else int(time.time() * 1000))}


def deliver(loa: Loa, payload: dict[str, Any], *, mac: str | None = None) -> httpx.Response:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    signed = mac if mac is not None else "mac=" + signature(ZALO_APP_ID, raw, payload["timestamp"], ZALO_SECRET)
    return httpx.post(f"{loa.url}/webhooks/zalo-oa", content=raw,
                      headers={"X-ZEvent-Signature": signed, "Content-Type": "application/json"}, timeout=10)


@pytest.fixture
def token(loa: Loa) -> None:
    store_token(loa.runtime.session_factory, "zalo_oa", "access-0", "refresh-0",
                datetime.now(UTC) + timedelta(hours=20))


def cs_calls(api: FakeApi, count: int = 1) -> list[Any]:
    return api.wait_for("cs", count)


def test_a_signed_message_is_acknowledged_fast_and_answered_once(loa: Loa, zalo_oa_api: FakeApi, token: None) -> None:
    started = time.perf_counter()
    response = deliver(loa, event("Chuẩn nghèo là gì?", "msg-1"))
    assert response.status_code == 200
    assert time.perf_counter() - started < 2.0
    [sent] = cs_calls(zalo_oa_api)
    time.sleep(0.3)
    assert len(zalo_oa_api.calls("cs")) == 1
    assert sent.path == "/v3.0/oa/message/cs"
    assert sent.headers["access_token"] == "access-0"
    assert sent.body["recipient"] == {"user_id": USER}
    assert sent.body["message"]["text"] == "Trả lời: Chuẩn nghèo là gì?"
    buttons = sent.body["message"]["attachment"]["payload"]["buttons"]
    assert [b["title"] for b in buttons] == ["Xem chi tiết", "👍", "👎"]
    assert buttons[0] == {"title": "Xem chi tiết", "type": "oa.query.hide", "payload": "#loa:d:1"}


def test_bad_or_stale_signatures_are_refused_and_nothing_processed(loa: Loa, zalo_oa_api: FakeApi,
                                                                   token: None) -> None:
    assert deliver(loa, event("a", "msg-2"), mac="mac=" + "0" * 64).status_code == 403
    assert deliver(loa, event("a", "msg-3"), mac="").status_code == 403
    stale = event("a", "msg-4", timestamp=int((time.time() - 3600) * 1000))
    assert deliver(loa, stale).status_code == 403
    unprefixed = event("b", "msg-5")
    raw = json.dumps(unprefixed, ensure_ascii=False).encode()
    bare = signature(ZALO_APP_ID, raw, unprefixed["timestamp"], ZALO_SECRET)
    tampered = raw.replace(b'"b"', b'"c"')
    response = httpx.post(f"{loa.url}/webhooks/zalo-oa", content=tampered, headers={"X-ZEvent-Signature": bare})
    assert response.status_code == 403
    time.sleep(0.5)
    assert zalo_oa_api.calls("cs") == []
    assert loa.engine.handled == []
    assert deliver(loa, unprefixed, mac=bare).status_code == 200  # the "mac=" prefix is optional
    cs_calls(zalo_oa_api)


def test_a_retried_delivery_gets_one_reply_and_echoes_are_ignored(loa: Loa, zalo_oa_api: FakeApi,
                                                                  token: None) -> None:
    payload = event("Hộ nghèo được gì?", "msg-6")
    assert deliver(loa, payload).status_code == 200
    assert deliver(loa, payload).status_code == 200
    assert deliver(loa, event("Trả lời: ...", "msg-7", name="oa_send_text")).status_code == 200
    cs_calls(zalo_oa_api)
    time.sleep(0.5)
    assert len(zalo_oa_api.calls("cs")) == 1
    assert len(loa.engine.handled) == 1


def test_other_user_events_get_a_polite_reply(loa: Loa, zalo_oa_api: FakeApi, token: None) -> None:
    sticker = event("", "msg-8", name="user_send_sticker")
    assert deliver(loa, sticker).status_code == 200
    [sent] = cs_calls(zalo_oa_api)
    assert sent.body["message"]["text"].startswith("Loa hiện chỉ đọc được tin nhắn chữ")
    assert loa.engine.handled == []


def test_error_in_a_200_is_retried_and_a_lost_message_logged(loa: Loa, zalo_oa_api: FakeApi, token: None,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    zalo_oa_api.fail_next("cs", 200, {"error": -201, "message": "Parameters are invalid"})
    deliver(loa, event("Câu một", "msg-9"))
    first, second = cs_calls(zalo_oa_api, 2)
    assert first.body == second.body
    zalo_oa_api.requests.clear()
    zalo_oa_api.fail_next("cs", 500, {"error": -1}, times=4)
    deliver(loa, event("Câu hai", "msg-10"))
    cs_calls(zalo_oa_api, 4)
    deadline = time.monotonic() + 5
    while "failed after 4 attempts" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"Zalo OA message to {USER} failed after 4 attempts" in caplog.text
    assert 'loa_deliveries_total{channel="zalo_oa",outcome="failed"} 1.0' in httpx.get(f"{loa.url}/metrics").text


def test_an_expiring_token_is_refreshed_and_the_new_pair_stored(loa: Loa, zalo_oa_api: FakeApi) -> None:
    factory = loa.runtime.session_factory
    store_token(factory, "zalo_oa", "old-access", "old-refresh", datetime.now(UTC) + timedelta(minutes=2))
    before = load_token(factory, "zalo_oa")
    assert before is not None
    deliver(loa, event("Câu ba", "msg-11"))
    [sent] = cs_calls(zalo_oa_api)
    [refresh] = zalo_oa_api.calls("access_token")
    assert refresh.headers["secret_key"] == ZALO_SECRET
    assert refresh.body == {"refresh_token": "old-refresh", "app_id": ZALO_APP_ID, "grant_type": "refresh_token"}
    after = load_token(factory, "zalo_oa")
    assert after is not None
    assert after.generation == before.generation + 1
    assert after.refresh_token.startswith("refresh-")
    assert after.access_token == sent.headers["access_token"]
    assert after.expires_at > datetime.now(UTC) + timedelta(hours=20)


def test_a_stale_generation_cannot_overwrite_a_refreshed_token(session_factory: SessionFactory) -> None:
    store_token(session_factory, "zalo_oa", "a1", "r1", datetime.now(UTC))
    read = load_token(session_factory, "zalo_oa")
    assert read is not None
    assert replace_token(session_factory, "zalo_oa", read.generation, "a2", "r2", datetime.now(UTC))
    assert not replace_token(session_factory, "zalo_oa", read.generation, "a3", "r3", datetime.now(UTC))
    final = load_token(session_factory, "zalo_oa")
    assert final is not None
    assert (final.access_token, final.refresh_token) == ("a2", "r2")


def test_a_pressed_thumbs_up_is_stored_against_its_answer(loa: Loa, zalo_oa_api: FakeApi, token: None) -> None:
    deliver(loa, event("Rà soát khi nào?", "msg-12"))
    [answer] = cs_calls(zalo_oa_api)
    thumbs_up = answer.body["message"]["attachment"]["payload"]["buttons"][1]["payload"]
    deliver(loa, event(thumbs_up, "msg-13"))
    cs_calls(zalo_oa_api, 2)
    with loa.runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.question == "Rà soát khi nào?")).one()
        assert [(f.message_id, f.rating) for f in session.scalars(select(Feedback))] == [(message.id, 1)]


async def test_officer_replies_respect_the_48_hour_window(loa: Loa, zalo_oa_api: FakeApi, token: None) -> None:
    factory = loa.runtime.session_factory
    touch_conversation(factory, "zalo_oa", USER)
    await send_to_user(loa.runtime, "zalo_oa", USER, "Cán bộ xã sẽ gọi lại cho bạn trong hôm nay.")
    [sent] = zalo_oa_api.calls("cs")
    assert sent.body == {"recipient": {"user_id": USER},
                         "message": {"text": "Cán bộ xã sẽ gọi lại cho bạn trong hôm nay."}}
    with factory.begin() as session:
        session.execute(update(Conversation).where(Conversation.user_key == USER)
                        .values(last_user_message_at=datetime.now(UTC) - timedelta(hours=49)))
    with pytest.raises(ReplyWindowClosedError, match="đã quá 48 giờ") as closed:
        await send_to_user(loa.runtime, "zalo_oa", USER, "Trả lời muộn")
    assert "ZNS" in str(closed.value)  # the officer is told what Zalo still allows
    with pytest.raises(ReplyWindowClosedError, match="chưa từng nhắn"):
        await send_to_user(loa.runtime, "zalo_oa", "someone-else", "Xin chào")
    with pytest.raises(ChannelUnavailableError):
        await send_to_user(loa.runtime, "web", "abc", "Xin chào")
    assert len(zalo_oa_api.calls("cs")) == 1


async def test_an_officer_reply_quotes_the_citizens_latest_message(loa: Loa, zalo_oa_api: FakeApi,
                                                                   token: None) -> None:
    factory = loa.runtime.session_factory
    touch_conversation(factory, "zalo_oa", USER)
    with factory.begin() as session:
        conversation = session.scalars(select(Conversation).where(Conversation.user_key == USER)).one()
        for msg_id in ("msg-old", "msg-latest", None):  # a button press carries no msg_id
            session.add(Message(conversation_id=conversation.id, channel="zalo_oa", question="Vay vốn hỏi ai?",
                                decision="handoff", reply="…", platform_message_id=msg_id))
    text = "Bạn liên hệ Ngân hàng Chính sách xã hội huyện. " * 60  # more than one Zalo block
    await send_to_user(loa.runtime, "zalo_oa", USER, text)
    first, *rest = zalo_oa_api.calls("cs")
    assert rest, "a long reply goes in several blocks"
    assert first.body["recipient"] == {"user_id": USER}
    assert first.body["message"]["react_message_id"] == "msg-latest"
    assert all("react_message_id" not in call.body["message"] for call in rest)
