"""Loa's engine as Rasa custom actions, served by rasa-sdk's action server (``loa rasa-actions``).

A deployment that runs Rasa (Python ≤ 3.10, its own container) routes every policy question to
``action_answer_policy_question`` and the self-check to ``action_eligibility_check``; Loa answers, cites and logs
exactly as on its own channels. Button payloads travel through Rasa as ``/loa_button{"loa_payload": "…"}`` so
Rasa's NLU never has to understand them. ``action_restart`` overrides Rasa's default action (Rasa's built-in rule
sends the restart intent there): Loa's dialogue is reset too and the user is told, then Rasa restarts its tracker.
Each call is logged with the action and a one-way digest of the sender (never the sender id itself).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from anyio import to_thread
from rasa_sdk import Action, Tracker
from rasa_sdk.endpoint import create_app
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sanic import Sanic

from bot.channels.blocks import for_channel
from bot.channels.gateway import Engine, clean_incoming, unreadable_reply
from bot.engine.contracts import IncomingMessage, Reply
from bot.engine.dialogue import DialogueMemory
from bot.engine.eligibility import START

log = logging.getLogger(__name__)

CHANNEL = "rasa"
BUTTON_INTENT = "loa_button"
PAYLOAD_ENTITY = "loa_payload"
DECISION_SLOT = "loa_decision"


def button_payload(payload: str) -> str:
    """A Loa button payload as a Rasa message that forces the ``loa_button`` intent with the payload entity."""
    return f"/{BUTTON_INTENT}{json.dumps({PAYLOAD_ENTITY: payload}, ensure_ascii=False)}"


def pressed_payload(tracker: Tracker) -> str | None:
    latest = tracker.latest_message or {}
    if (latest.get("intent") or {}).get("name") != BUTTON_INTENT:
        return None
    return next(tracker.get_latest_entity_values(PAYLOAD_ENTITY), None)


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> list[EventType]:
    blocks = list(reply.blocks or (reply.text,))
    for index, block in enumerate(blocks):
        buttons = ([{"title": b.label, "payload": button_payload(b.payload)} for b in reply.buttons]
                   if index == len(blocks) - 1 else [])
        dispatcher.utter_message(text=block, buttons=buttons)
    return [SlotSet(DECISION_SLOT, str(reply.decision))]


def sender_digest(sender: str) -> str:
    """A short one-way digest of a Rasa sender id: enough to follow one conversation in the log, not to read it."""
    return hashlib.sha256(sender.encode()).hexdigest()[:10]


class _EngineAction(Action):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def answer(self, dispatcher: CollectingDispatcher, message: IncomingMessage) -> list[EventType]:
        message, unreadable = clean_incoming(message)
        if unreadable:
            return utter(dispatcher, unreadable_reply())
        reply = for_channel(await to_thread.run_sync(self.engine.handle, message), message.channel)
        log.info("Rasa action %s for sender %s: %s", self.name(), sender_digest(message.user_key), reply.decision)
        return utter(dispatcher, reply)


class AnswerPolicyQuestion(_EngineAction):
    def name(self) -> str:
        return "action_answer_policy_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        pressed = pressed_payload(tracker)
        text = None if pressed else (tracker.latest_message or {}).get("text")
        return await self.answer(dispatcher, IncomingMessage(channel=CHANNEL, user_key=tracker.sender_id or "",
                                                             text=text, callback=pressed))


class EligibilityCheck(_EngineAction):
    def name(self) -> str:
        return "action_eligibility_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return await self.answer(dispatcher, IncomingMessage(channel=CHANNEL, user_key=tracker.sender_id or "",
                                                             callback=START))


class Restart(_EngineAction):
    """Rasa's restart, done by Loa: its dialogue for this sender is forgotten (a questionnaire in progress too),
    the text goes to the engine, which answers the restart intent and logs it, and Rasa's tracker restarts."""

    def __init__(self, engine: Engine, memory: DialogueMemory) -> None:
        super().__init__(engine)
        self.memory = memory

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        sender = tracker.sender_id or ""
        self.memory.reset(CHANNEL, sender)
        text = (tracker.latest_message or {}).get("text")
        await self.answer(dispatcher, IncomingMessage(channel=CHANNEL, user_key=sender, text=text))
        return [Restarted()]


def create_action_server(engine: Engine, memory: DialogueMemory) -> Sanic:
    """rasa-sdk's own action server app (an ASGI app), with Loa's actions registered on ``engine``; ``memory`` is
    the engine's dialogue memory, which ``action_restart`` resets."""
    executor = ActionExecutor()
    executor.register_action(AnswerPolicyQuestion(engine))
    executor.register_action(EligibilityCheck(engine))
    executor.register_action(Restart(engine, memory))
    return create_app(executor)
