"""Loa's Rasa action server (rasa-sdk's own app) over real HTTP, with the payloads Rasa posts to /webhook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select

from bench.http import running_server
from bot.engine.contracts import IncomingMessage, Reply
from bot.engine.dialogue import DialogueMemory, DialogueState
from bot.engine.eligibility import START
from bot.rasa_actions import button_payload, create_action_server
from knowledge_base.db import SessionFactory
from knowledge_base.models import Feedback, Message
from tests.channels.support import ScriptedEngine
from tests.conftest import REPO_ROOT


class EngineSlot:
    """Sanic allows one "rasa_sdk" app per process, so one server serves every test; each test plugs in its
    own engine on its own database."""

    def __init__(self) -> None:
        self.engine: ScriptedEngine | None = None
        self.memory = DialogueMemory()

    def handle(self, message: IncomingMessage) -> Reply:
        assert self.engine is not None
        return self.engine.handle(message)

    def record_feedback(self, message_id: int, rating: int) -> None:
        assert self.engine is not None
        self.engine.record_feedback(message_id, rating)


@pytest.fixture(scope="session")
def action_server() -> Iterator[tuple[str, EngineSlot]]:
    slot = EngineSlot()
    with running_server(create_action_server(slot, slot.memory)) as url:
        yield url, slot


@pytest.fixture
def actions(action_server: tuple[str, EngineSlot],
            session_factory: SessionFactory) -> Iterator[tuple[str, ScriptedEngine]]:
    url, slot = action_server
    slot.engine = ScriptedEngine(session_factory)
    yield url, slot.engine
    slot.engine = None


def action_call(action: str, sender: str, text: str, intent: str = "ask_policy",
                entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What Rasa 3.6 posts to the action endpoint."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.93}, "entities": entities or [],
              "intent_ranking": [{"name": intent, "confidence": 0.93}]}
    return {
        "next_action": action, "sender_id": sender, "version": "3.6.21",
        "tracker": {"sender_id": sender, "slots": {"loa_decision": None}, "latest_message": latest,
                    "latest_event_time": 1732390000.0, "followup_action": None, "paused": False, "events": [
                        {"event": "action", "timestamp": 1732389999.0, "name": "action_listen"},
                        {"event": "user", "timestamp": 1732390000.0, "text": text, "parse_data": latest},
                    ], "latest_input_channel": "telegram", "active_loop": {},
                    "latest_action": {"action_name": "action_listen"}, "latest_action_name": "action_listen"},
        "domain": {"version": "3.1", "intents": [intent], "entities": ["loa_payload"],
                   "slots": {"loa_decision": {"type": "text", "influence_conversation": False,
                                              "mappings": [{"type": "custom"}]}},
                   "responses": {}, "actions": ["action_answer_policy_question", "action_eligibility_check"]},
    }


def test_a_policy_question_is_answered_by_loa(actions: tuple[str, ScriptedEngine]) -> None:
    url, engine = actions
    assert httpx.get(f"{url}/health").json() == {"status": "ok"}
    response = httpx.post(f"{url}/webhook", json=action_call("action_answer_policy_question", "tg-55",
                                                             "Chuẩn nghèo là gì?"), timeout=10)
    assert response.status_code == 200
    body = response.json()
    [utterance] = body["responses"]
    assert utterance["text"] == "Trả lời: Chuẩn nghèo là gì?"
    assert [b["title"] for b in utterance["buttons"]] == ["Xem chi tiết", "👍", "👎"]
    assert utterance["buttons"][0]["payload"] == '/loa_button{"loa_payload": "d:1"}'
    assert body["events"] == [{"event": "slot", "timestamp": None, "name": "loa_decision", "value": "answered"}]
    [asked] = engine.handled
    assert (asked.channel, asked.user_key, asked.text, asked.callback) == ("rasa", "tg-55", "Chuẩn nghèo là gì?",
                                                                           None)


def test_a_pressed_button_reaches_loa_as_a_callback(actions: tuple[str, ScriptedEngine],
                                                    session_factory: SessionFactory) -> None:
    url, engine = actions
    first = httpx.post(f"{url}/webhook", json=action_call("action_answer_policy_question", "u", "Hỏi")).json()
    thumbs_up = first["responses"][0]["buttons"][1]["payload"]
    payload = thumbs_up.split('"loa_payload": "')[1].rstrip('"}')
    assert thumbs_up == button_payload(payload)
    pressed = action_call("action_answer_policy_question", "u", thumbs_up, intent="loa_button",
                          entities=[{"entity": "loa_payload", "value": payload, "start": 0, "end": 1}])
    thanks = httpx.post(f"{url}/webhook", json=pressed).json()
    assert thanks["responses"][0]["text"] == "Cảm ơn bạn đã góp ý!"
    assert engine.handled[-1].callback == payload
    with session_factory() as session:
        message = session.scalars(select(Message)).one()
        assert [(f.message_id, f.rating) for f in session.scalars(select(Feedback))] == [(message.id, 1)]


def test_the_eligibility_check_starts_loas_questionnaire(actions: tuple[str, ScriptedEngine]) -> None:
    url, engine = actions
    response = httpx.post(f"{url}/webhook", json=action_call("action_eligibility_check", "u2", "kiểm tra hộ nghèo",
                                                             intent="check_eligibility"))
    assert response.status_code == 200
    assert engine.handled[-1].callback == START


def test_restart_resets_loas_dialogue_answers_and_restarts_rasas_tracker(
        actions: tuple[str, ScriptedEngine], action_server: tuple[str, EngineSlot]) -> None:
    url, engine = actions
    memory = action_server[1].memory
    memory.put("rasa", "u3", DialogueState(topic_question="chuẩn nghèo là gì"))
    memory.put("rasa", "other", DialogueState(topic_question="hộ cận nghèo"))
    response = httpx.post(f"{url}/webhook", json=action_call("action_restart", "u3", "bắt đầu lại",
                                                             intent="restart"))
    assert response.status_code == 200
    body = response.json()
    assert [r["text"] for r in body["responses"]] == ["Trả lời: bắt đầu lại"]
    assert [e["event"] for e in body["events"]] == ["restart"]
    assert memory.get("rasa", "u3") == DialogueState()
    assert memory.get("rasa", "other").topic_question == "hộ cận nghèo"
    assert (engine.handled[-1].user_key, engine.handled[-1].text) == ("u3", "bắt đầu lại")


def test_the_server_offers_exactly_the_actions_the_domain_lists(actions: tuple[str, ScriptedEngine]) -> None:
    url, _ = actions
    domain = yaml.safe_load((REPO_ROOT / "rasa" / "domain.yml").read_text(encoding="utf-8"))
    assert sorted(a["name"] for a in httpx.get(f"{url}/actions").json()) == sorted(domain["actions"])


def test_an_unknown_action_is_a_404(actions: tuple[str, ScriptedEngine]) -> None:
    url, _ = actions
    assert httpx.post(f"{url}/webhook", json=action_call("action_nope", "u", "x")).status_code == 404


def test_rasa_text_is_cleaned_like_every_channel(actions: tuple[str, ScriptedEngine]) -> None:
    url, engine = actions
    cleaned = httpx.post(f"{url}/webhook", json=action_call("action_answer_policy_question", "u-7",
                                                            "Chu\u202e\u0000ẩn nghèo?"), timeout=10)
    assert cleaned.json()["responses"][0]["text"] == "Trả lời: Chuẩn nghèo?"
    only_controls = httpx.post(f"{url}/webhook", json=action_call("action_answer_policy_question", "u-7",
                                                                  "\u202e\u200b"), timeout=10)
    assert "ký tự đặc biệt" in only_controls.json()["responses"][0]["text"]
    assert [m.text for m in engine.handled] == ["Chuẩn nghèo?"]
