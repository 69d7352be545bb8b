"""Telegram through Loa's webhook route, PTB inside the app, and a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
from sqlalchemy import select

from bot.channels.gateway import Gateway
from bot.channels.telegram import ALLOWED_UPDATES, build_application
from bot.settings import Settings
from bot.web.metrics import Metrics
from knowledge_base.db import SessionFactory
from knowledge_base.models import Feedback, Message
from tests.channels.conftest import TELEGRAM_SECRET, Loa
from tests.channels.support import LONG_QUESTION, FakeApi, ScriptedEngine, ScriptedRuntime, telegram_update

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def post(loa: Loa, update: dict[str, object], headers: dict[str, str] = HEADERS) -> httpx.Response:
    return httpx.post(f"{loa.url}/webhooks/telegram", json=update, headers=headers, timeout=10)


def test_a_message_gets_exactly_one_reply_with_inline_keyboard(loa: Loa, telegram_api: FakeApi) -> None:
    assert post(loa, telegram_update(1, chat_id=777, text="Chuẩn nghèo là gì?")).status_code == 200
    [sent] = telegram_api.wait_for("sendMessage")
    time.sleep(0.3)
    assert len(telegram_api.calls("sendMessage")) == 1
    assert sent.path == "/bot123456:TEST/sendMessage"
    assert sent.body["chat_id"] == "777"
    assert sent.body["text"] == "Trả lời: Chuẩn nghèo là gì?"
    keyboard = json.loads(sent.body["reply_markup"])["inline_keyboard"]
    assert [[button["text"] for button in row] for row in keyboard] == [["Xem chi tiết"], ["👍", "👎"]]
    assert all(len(button["callback_data"].encode()) <= 64 for row in keyboard for button in row)
    [asked] = loa.engine.handled
    assert (asked.channel, asked.user_key, asked.text) == ("telegram", "777", "Chuẩn nghèo là gì?")


def test_wrong_or_missing_secret_is_refused_and_nothing_is_processed(loa: Loa, telegram_api: FakeApi) -> None:
    assert post(loa, telegram_update(2), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}).status_code == 403
    assert post(loa, telegram_update(3), headers={}).status_code == 403
    garbage = httpx.post(f"{loa.url}/webhooks/telegram", content=b"{not json", headers=HEADERS)
    assert garbage.status_code == 400
    time.sleep(0.5)
    assert telegram_api.calls("sendMessage") == []
    assert loa.engine.handled == []


def test_a_redelivered_update_is_answered_once(loa: Loa, telegram_api: FakeApi) -> None:
    update = telegram_update(4)
    assert post(loa, update).status_code == 200
    assert post(loa, update).status_code == 200
    telegram_api.wait_for("sendMessage")
    time.sleep(0.5)
    assert len(telegram_api.calls("sendMessage")) == 1
    assert len(loa.engine.handled) == 1


def test_thumbs_up_is_stored_against_the_answer_and_the_callback_answered(loa: Loa, telegram_api: FakeApi) -> None:
    post(loa, telegram_update(5, chat_id=888, text="Hộ cận nghèo là gì?"))
    [answer] = telegram_api.wait_for("sendMessage")
    keyboard = json.loads(answer.body["reply_markup"])["inline_keyboard"]
    thumbs_up = keyboard[-1][0]["callback_data"]
    callback = {"update_id": 6, "callback_query": {
        "id": "cb-1", "chat_instance": "ci", "data": thumbs_up,
        "from": {"id": 888, "is_bot": False, "first_name": "Lan"},
        "message": {"message_id": 99, "date": int(time.time()), "text": answer.body["text"],
                    "chat": {"id": 888, "type": "private"}},
    }}
    assert post(loa, callback).status_code == 200
    [answered] = telegram_api.wait_for("answerCallbackQuery")
    assert answered.body["callback_query_id"] == "cb-1"
    thanks = telegram_api.wait_for("sendMessage", 2)[1]
    assert thanks.body["text"] == "Cảm ơn bạn đã góp ý!"
    with loa.runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.question == "Hộ cận nghèo là gì?")).one()
        assert [(f.message_id, f.rating) for f in session.scalars(select(Feedback))] == [(message.id, 1)]
    assert thumbs_up == f"f:+:{message.id}"


def test_stickers_photos_and_edits_get_a_polite_reply(loa: Loa, telegram_api: FakeApi) -> None:
    base = telegram_update(7, chat_id=901)["message"]
    sticker = {**base, "message_id": 71}
    del sticker["text"]
    sticker["sticker"] = {"file_id": "s", "file_unique_id": "su", "type": "regular", "width": 512, "height": 512,
                          "is_animated": False, "is_video": False}
    edited = {**base, "message_id": 72, "edit_date": int(time.time())}
    post(loa, {"update_id": 7, "message": sticker})
    post(loa, {"update_id": 8, "edited_message": edited})
    texts = sorted(call.body["text"] for call in telegram_api.wait_for("sendMessage", 2))
    assert texts[0].startswith("Loa hiện chỉ đọc được tin nhắn chữ")
    assert texts[1].startswith("Loa không đọc lại tin nhắn đã sửa")
    assert loa.engine.handled == []


def test_long_replies_are_split_under_4096_characters(loa: Loa, telegram_api: FakeApi) -> None:
    post(loa, telegram_update(9, text=LONG_QUESTION))
    time.sleep(0.3)
    calls = telegram_api.wait_for("sendMessage", 2)
    time.sleep(0.3)
    calls = telegram_api.calls("sendMessage")
    assert len(calls) == 2
    assert all(len(call.body["text"]) < 4096 for call in calls)
    assert "reply_markup" not in calls[0].body
    assert "reply_markup" in calls[1].body
    assert " ".join(call.body["text"] for call in calls) == ("Câu trả lời rất dài. " * 300).strip()


def test_429_retry_after_is_honoured(loa: Loa, telegram_api: FakeApi) -> None:
    telegram_api.fail_next("sendMessage", 429, {"ok": False, "error_code": 429,
                                                "description": "Too Many Requests: retry after 1",
                                                "parameters": {"retry_after": 1}})
    post(loa, telegram_update(10))
    first, second = telegram_api.wait_for("sendMessage", 2)
    assert second.at - first.at >= 1.0
    assert first.body == second.body


def test_a_failing_send_is_retried_and_a_lost_one_is_logged(loa: Loa, telegram_api: FakeApi, caplog) -> None:  # type: ignore[no-untyped-def]
    telegram_api.fail_next("sendMessage", 500, {"ok": False, "error_code": 500, "description": "Internal"})
    post(loa, telegram_update(11, chat_id=1001))
    assert len(telegram_api.wait_for("sendMessage", 2)) == 2
    telegram_api.requests.clear()
    telegram_api.fail_next("sendMessage", 502, {"ok": False, "description": "Bad Gateway"}, times=4)
    post(loa, telegram_update(12, chat_id=1002))
    telegram_api.wait_for("sendMessage", 4)
    deadline = time.monotonic() + 5
    while "Telegram sendMessage to 1002 failed after 4 attempts" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Telegram sendMessage to 1002 failed after 4 attempts" in caplog.text
    metrics = httpx.get(f"{loa.url}/metrics").text
    assert 'loa_deliveries_total{channel="telegram",outcome="failed"} 1.0' in metrics


async def test_polling_mode_answers_through_the_same_adapter(loa_settings: Settings, session_factory: SessionFactory,
                                                             telegram_api: FakeApi, fakes: None) -> None:
    runtime = ScriptedRuntime(loa_settings, session_factory, ScriptedEngine(session_factory))
    application = build_application(loa_settings, Gateway(runtime, Metrics()), webhook=False)
    telegram_api.fail_next("getUpdates", 200, {"ok": True, "result": [telegram_update(90, chat_id=4040, text="Chào")]})
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        await application.start()
        try:
            [sent] = await asyncio.to_thread(telegram_api.wait_for, "sendMessage")
        finally:
            await application.updater.stop()
            await application.stop()
    assert (sent.body["chat_id"], sent.body["text"]) == ("4040", "Trả lời: Chào")
    assert json.loads(telegram_api.calls("getUpdates")[0].body["allowed_updates"]) == ALLOWED_UPDATES
