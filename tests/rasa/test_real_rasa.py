"""Stock Rasa 3.6.21, trained on the project's files, in front of Loa's action server: a citizen's conversation
over Rasa's REST channel, each turn answered by Loa's engine on a real small knowledge base."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from bot.engine import texts
from bot.rasa_actions import button_payload
from tests.rasa.conftest import Actions, RasaFront
from tests.rasa.support import action_calls, say, wait_until

ANSWER = "action_answer_policy_question"


def test_a_conversation_through_real_rasa_is_answered_by_loa(rasa: RasaFront, actions: Actions) -> None:
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    expected_calls: list[str] = []

    def turn(text: str, action: str) -> list[dict[str, Any]]:
        replies = say(rasa.url, sender, text)
        expected_calls.append(action)
        wait_until(lambda: action_calls(actions.log) == expected_calls, 10, f"action log after {text!r}")
        assert replies, f"no reply to {text!r}"
        return replies

    [greeting] = turn("xin chào", ANSWER)
    assert greeting["text"] == texts.SMALLTALK["greet"]

    [answer] = turn("Ai chủ trì việc thu thập thông tin, chấm điểm để phân loại hộ và dùng phiếu nào?", ANSWER)
    assert "Phiếu B" in answer["text"]
    assert "Căn cứ:" in answer["text"]
    assert "1315/VBHN-BLĐTBXH" in answer["text"]
    assert {"Xem chi tiết", "👍", "👎"} <= {b["title"] for b in answer["buttons"]}

    [first] = turn("Ở Cao Bằng có bao nhiêu tổ công nghệ số cộng đồng?", ANSWER)
    assert "1.250" in first["text"]  # the made-up Cao Bằng page in tests/fixtures/news
    [follow_up] = turn("còn Bạc Liêu thì sao?", ANSWER)
    assert "87 tổ" in follow_up["text"]  # answered about Bạc Liêu, in the context of the question before

    [refused] = turn("Giá vàng SJC hôm nay bao nhiêu một chỉ?", ANSWER)
    assert refused["text"] == texts.OUT_OF_SCOPE
    assert "Gặp cán bộ" in [b["title"] for b in refused["buttons"]]

    [restarted] = turn("bắt đầu lại", "action_restart")
    assert restarted["text"] == texts.RESTARTED
    tracker = f"{rasa.url}/conversations/{sender}/tracker"
    every_event = httpx.get(tracker, params={"include_events": "ALL"}, timeout=30).json()["events"]
    assert "restart" in [event["event"] for event in every_event]
    since_restart = httpx.get(tracker, timeout=30).json()["events"]  # Rasa's tracker forgot the conversation too
    assert "Giá vàng SJC hôm nay bao nhiêu một chỉ?" not in [event.get("text") for event in since_restart]
    [alone] = turn("còn Bạc Liêu thì sao?", ANSWER)
    assert alone["text"] != follow_up["text"]  # Loa's dialogue forgot Cao Bằng

    [check] = turn("tôi muốn tự kiểm tra hộ nhà mình", "action_eligibility_check")
    buttons = check["buttons"]
    assert buttons, check
    first_button = buttons[0]
    assert first_button["payload"] == button_payload(first_button["payload"].split('"loa_payload": "')[1][:-2])
    [pressed] = turn(first_button["payload"], ANSWER)
    assert pressed["text"]
    assert pressed["text"] != check["text"]
    assert action_calls(actions.log) == expected_calls
