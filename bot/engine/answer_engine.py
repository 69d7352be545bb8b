"""The answer engine: IncomingMessage → understand → (retrieve → decide → compose) → log → Reply.

Channels call ``handle``; it is synchronous, logs every exchange, and never raises on user input (an unexpected
failure becomes a polite apology, logged with its traceback).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.engine import eligibility, texts
from bot.engine.calibration import CALIBRATED
from bot.engine.compose import (
    DETAIL_PREFIX,
    Composed,
    FaqAnswer,
    choice_label,
    compose_faq_answer,
    compose_full_passage,
    compose_passage_answer,
    feedback_buttons,
    format_date,
)
from bot.engine.contracts import Button, Citation, Decision, IncomingMessage, Reply
from bot.engine.decide import Thresholds, Verdict, confidence, decide, intent_route
from bot.engine.dialogue import DialogueMemory, DialogueState, contextual_query, is_follow_up
from bot.engine.handoff import NOTHING_TO_HAND_OFF, OfficeHours, hand_off, handoff_question, handoff_text
from bot.engine.logging import add_feedback, log_exchange
from bot.review.queue import enqueue
from indexer.contracts import DocumentRef, FaqHit, Hit, Query
from indexer.retriever import Retriever
from knowledge_base.db import SessionFactory
from knowledge_base.models import Document, Faq, FaqStatus, Message, Passage
from knowledge_base.services.freshness import EndedRule, ended_topic_rule
from nlu.privacy import mask

log = logging.getLogger(__name__)

CONTEXT_INTENTS = frozenset({"ask_policy", "out_of_scope", "check_eligibility"})
"""Intents a short follow-up may be given ("ở Cao Bằng thì sao?" reads as out of scope on its own)."""
PASSAGE_K = 10
FAQ_K = 5
ELIGIBILITY_TOPIC = "tự kiểm tra hộ nghèo"


class Index(Protocol):
    def current(self) -> Retriever: ...


class Embedder(Protocol):
    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class Understander(Protocol):
    def understand(self, text: str) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    """What one turn produced, before it is logged and turned into a Reply."""

    decision: Decision
    text: str
    citations: tuple[Citation, ...] = ()
    buttons: tuple[Button, ...] = ()
    confidence: float | None = None
    hits: tuple[Hit, ...] = ()
    faq_hits: tuple[FaqHit, ...] = ()
    faq_id: int | None = None
    review_reason: str | None = None
    """Put the exchange in the review inbox for this reason (refused, low_confidence, handoff)."""
    handoff_question: str | None = None
    feedback: bool = False
    """Offer 👍/👎 under this reply."""
    topic: str | None = None
    """What the exchange was about, for analytics: the FAQ entry's topic or the answering document."""
    extra: tuple[tuple[str, object], ...] = ()


class AnswerEngine:
    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        index: Index,
        understander: Understander,
        clock: Callable[[], date] = date.today,
        thresholds: Thresholds | None = None,
        embedder: Embedder | None = None,
        memory: DialogueMemory | None = None,
        review_inbox: bool = True,
        office_hours: OfficeHours | None = None,
    ) -> None:
        """``review_inbox=False`` keeps refused and low-confidence exchanges out of the review inbox (evaluation
        runs); handoffs and 👎 always go in."""
        self._sessions = session_factory
        self._index = index
        self._understander = understander
        self._clock = clock
        self.thresholds = thresholds or CALIBRATED
        self._embedder = embedder
        self.memory = memory or DialogueMemory()
        self._review_inbox = review_inbox
        self._office_hours = office_hours

    # ----------------------------------------------------------------- public
    def handle(self, message: IncomingMessage) -> Reply:
        started = time.perf_counter()
        try:
            return self._handle(message, started)
        except Exception:
            log.exception("answer engine failed on a message from %s", message.channel)
            text = texts.FAILURE
            return Reply(
                Decision.REFUSED,
                text,
                blocks=(text,),
                buttons=(texts.OFFICER_BUTTON,),
                latency_ms=(time.perf_counter() - started) * 1000,
            )

    def today(self) -> date:
        """The engine's date (injectable): which rules and FAQ entries apply."""
        return self._clock()

    def retriever(self) -> Retriever:
        """The retriever of the live index snapshot."""
        return self._index.current()

    def record_feedback(self, message_id: int, rating: int) -> None:
        """Attach 👍 (+1) / 👎 (-1) to a logged message; 👎 also puts it in the review inbox."""
        with self._sessions.begin() as session:
            self._record_feedback(session, message_id, rating)

    # ----------------------------------------------------------------- turn
    def _handle(self, message: IncomingMessage, started: float) -> Reply:
        state = self.memory.get(message.channel, message.user_key)
        if message.callback:
            return self._callback(message, state, started)
        raw = (message.text or "").strip()
        if not raw:
            return self._finish(message, state, Outcome(Decision.SMALLTALK, texts.EMPTY), raw, None, started)
        try:
            understanding = self._understander.understand(raw)
        except ValueError as error:  # too long: the error text is the polite explanation
            outcome = Outcome(Decision.REFUSED, str(error))
            return self._finish(message, state, outcome, raw[:2000], None, started)
        intent = understanding.intent.name
        if state.eligibility is not None:  # the questionnaire reads its own answers, "quay lại" and "dừng"
            if intent == "request_officer":
                return self._handoff(message, replace(state, eligibility=None), raw, understanding, started)
            step = eligibility.advance(state.eligibility, payload=None, text=raw, day=self._clock())
            return self._eligibility_reply(message, replace(state, eligibility=step.state), step, raw, started)
        if intent == "restart":
            self.memory.reset(message.channel, message.user_key)
            return self._finish(
                message, DialogueState(), Outcome(Decision.SMALLTALK, texts.RESTARTED), raw, understanding, started
            )
        if intent == "request_officer":
            return self._handoff(message, state, raw, understanding, started)
        if state.topic_question and intent in CONTEXT_INTENTS and is_follow_up(understanding.normalized or raw):
            return self._policy_question(message, state, raw, understanding, started)
        route = intent_route(intent, understanding.intent.confidence)
        if route == "smalltalk":
            outcome = Outcome(
                Decision.SMALLTALK, texts.SMALLTALK[intent], buttons=texts.SMALLTALK_BUTTONS.get(intent, ())
            )
            return self._finish(message, state, outcome, raw, understanding, started)
        if route == "feedback":
            rating = 1 if intent == "feedback_positive" else -1
            if state.last_message_id is not None:
                with self._sessions.begin() as session:
                    self._record_feedback(session, state.last_message_id, rating)
            negative = rating < 0 and state.last_message_id is not None
            text = texts.FEEDBACK_NEGATIVE if negative else texts.FEEDBACK_THANKS
            buttons = (texts.OFFICER_BUTTON,) if negative else ()
            return self._finish(message, state, Outcome(Decision.SMALLTALK, text, buttons=buttons), raw,
                                understanding, started, remember=False)
        if route == "eligibility":
            step = eligibility.start(self._clock())
            return self._eligibility_reply(message, replace(state, eligibility=step.state), step, raw, started,
                                           understanding=understanding)
        return self._policy_question(message, state, raw, understanding, started, strict=route == "strict")

    # ----------------------------------------------------------------- policy questions
    def _policy_question(
        self,
        message: IncomingMessage,
        state: DialogueState,
        raw: str,
        understanding: Any,
        started: float,
        *,
        strict: bool = False,
    ) -> Reply:
        """Retrieve, decide, compose. ``strict``: the classifier took the message as out of scope, so only a strong
        match in the knowledge base is answered and anything else gets the out-of-scope refusal."""
        normalized = understanding.normalized or raw
        provinces = tuple(e.value for e in understanding.entities if e.type == "province")
        entities = tuple((e.type, e.text) for e in understanding.entities)
        search_text, topic_entities = normalized, encode_entities(entities)
        if state.topic_question and is_follow_up(normalized):
            search_text, topic_entities = rewrite_follow_up(
                state.topic_question, state.extra.get("entities", ""), normalized, entities
            )
            provinces = provinces or state.provinces
        variants = tuple(dict.fromkeys(v for v in (normalized, raw) if v != search_text))
        query = Query(text=search_text, variants=variants)
        retriever = self._index.current()
        hits = tuple(retriever.search(query, PASSAGE_K))
        faq_hits = tuple(retriever.search_faq(query, FAQ_K))
        with self._sessions() as session:
            valid = valid_faqs(session, faq_hits, self._clock())
            verdict = decide([f for f in faq_hits if f.faq_id in valid], hits, self.thresholds, strict=strict)
            outcome = self.outcome(verdict, hits, (search_text, normalized), provinces, valid)
            ended = self._ended_rule(session, faq_hits, valid)
            if ended is not None:  # freshness: the rule the knowledge base has for this topic has ended
                outcome = Outcome(Decision.REFUSED, texts.rule_ended(ended.ended_on),
                                  buttons=(texts.OFFICER_BUTTON,), confidence=verdict.confidence,
                                  review_reason="refused", topic=ended.topic)
        if strict and outcome.decision is Decision.REFUSED:
            outcome = Outcome(Decision.REFUSED, texts.OUT_OF_SCOPE, buttons=(texts.OFFICER_BUTTON,),
                              confidence=verdict.confidence)
        outcome = replace(outcome, hits=hits, faq_hits=faq_hits)
        state = replace(state, last_question=mask(raw), provinces=provinces or state.provinces)
        if outcome.decision in (Decision.ANSWERED, Decision.CLARIFY):
            state = replace(
                state,
                topic_question=search_text,
                extra={**state.extra, "entities": topic_entities},
            )
        return self._finish(message, state, outcome, raw, understanding, started, revision=retriever.revision)

    def _ended_rule(self, session: Session, faq_hits: Sequence[FaqHit], valid: dict[int, FaqAnswer]
                    ) -> EndedRule | None:
        """The ended entry behind a strong FAQ match that no longer applies, when its topic has nothing valid today."""
        best = max(faq_hits, key=confidence, default=None)
        if best is None or best.faq_id in valid or confidence(best) < self.thresholds.faq_floor:
            return None
        return ended_topic_rule(session, [best.faq_id], self._clock())

    def outcome(
        self,
        verdict: Verdict,
        candidates: Sequence[Hit],
        question_texts: Sequence[str],
        provinces: Sequence[str],
        faqs: dict[int, FaqAnswer],
    ) -> Outcome:
        """The reply for a verdict; ``candidates`` are the retrieved passages, best first (an answer may take a
        sentence from the second one). Public for the console's preview of a draft FAQ entry."""
        if verdict.decision is Decision.ANSWERED and verdict.faq is not None:
            faq = faqs[verdict.faq.faq_id]
            excerpt = None
            if candidates and confidence(candidates[0]) >= self.thresholds.answer_min:
                excerpt = compose_passage_answer(
                    candidates, question_texts=question_texts, provinces=provinces, day=self._clock()
                )
            composed = compose_faq_answer(faq, question_texts=question_texts, provinces=provinces, excerpt=excerpt)
            return replace(_answered(composed, verdict.confidence, faq_id=faq.faq_id), topic=faq.topic)
        if verdict.decision is Decision.ANSWERED:
            composed = compose_passage_answer(
                candidates, question_texts=question_texts, provinces=provinces, day=self._clock()
            )
            reason = "low_confidence" if verdict.low_confidence else None
            return replace(_answered(composed, verdict.confidence), review_reason=reason,
                           topic=document_topic(candidates[0].document))
        if verdict.decision is Decision.CLARIFY:
            buttons = tuple(Button(choice_label(hit), f"c:{hit.passage_id}") for hit in verdict.hits)
            return Outcome(
                Decision.CLARIFY, texts.CLARIFY, buttons=(*buttons, texts.OFFICER_BUTTON),
                confidence=verdict.confidence,
            )
        return Outcome(
            Decision.REFUSED, texts.NOT_FOUND, buttons=(texts.OFFICER_BUTTON,), confidence=verdict.confidence,
            review_reason="refused",
        )

    # ----------------------------------------------------------------- buttons
    def _callback(self, message: IncomingMessage, state: DialogueState, started: float) -> Reply:
        payload = message.callback or ""
        if payload.startswith("f:"):
            return self._feedback_button(message, state, payload, started)
        if payload == "h:officer":
            return self._handoff(message, state, "Gặp cán bộ", None, started)
        if payload == eligibility.START:
            step = eligibility.start(self._clock())
            return self._eligibility_reply(message, replace(state, eligibility=step.state), step, payload, started)
        if payload.startswith(eligibility.PREFIX):
            if state.eligibility is None:
                return self._finish(message, state, Outcome(Decision.SMALLTALK, texts.UNKNOWN_BUTTON), payload,
                                    None, started)
            step = eligibility.advance(state.eligibility, payload=payload, text=None, day=self._clock())
            return self._eligibility_reply(message, replace(state, eligibility=step.state), step, payload, started)
        passage_id = _int_after(payload, DETAIL_PREFIX) or _int_after(payload, "c:")
        if passage_id is not None:
            with self._sessions() as session:
                hit = passage_hit(session, passage_id)
            if hit is None:
                return self._finish(message, state, Outcome(Decision.SMALLTALK, texts.UNKNOWN_BUTTON), payload,
                                    None, started)
            if payload.startswith(DETAIL_PREFIX):
                composed = compose_full_passage(hit, day=self._clock())
                outcome = Outcome(Decision.ANSWERED, composed.text, composed.citations, confidence=1.0, hits=(hit,))
            else:
                question = state.topic_question or ""
                composed = compose_passage_answer(
                    (hit,), question_texts=(question,), provinces=state.provinces, day=self._clock()
                )
                outcome = replace(_answered(composed, 1.0), hits=(hit,))
            return self._finish(message, state, outcome, state.topic_question or payload, None, started)
        return self._finish(message, state, Outcome(Decision.SMALLTALK, texts.UNKNOWN_BUTTON), payload, None,
                            started)

    def _feedback_button(self, message: IncomingMessage, state: DialogueState, payload: str, started: float) -> Reply:
        parts = payload.split(":")
        rating = {"+": 1, "-": -1}.get(parts[1]) if len(parts) == 3 else None
        message_id = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else None
        if rating is None or message_id is None:
            return self._reply(Outcome(Decision.SMALLTALK, texts.UNKNOWN_BUTTON), None, started)
        with self._sessions.begin() as session:
            target = session.get(Message, message_id)
            owner = target.conversation if target is not None else None
            if owner is None or (owner.channel, owner.user_key) != (message.channel, message.user_key):
                return self._reply(Outcome(Decision.SMALLTALK, texts.UNKNOWN_BUTTON), None, started)
            self._record_feedback(session, message_id, rating)
        text = texts.FEEDBACK_THANKS if rating > 0 else texts.FEEDBACK_NEGATIVE
        buttons = () if rating > 0 else (texts.OFFICER_BUTTON,)
        return self._reply(Outcome(Decision.SMALLTALK, text, buttons=buttons), None, started)

    def _record_feedback(self, session: Session, message_id: int, rating: int) -> None:
        feedback = add_feedback(session, message_id, rating)
        if feedback is None or rating > 0:
            return
        target = session.get(Message, message_id)
        if target is not None:
            enqueue(session, message=target, reason="negative_feedback", embedding=self._embed(target.question))

    # ----------------------------------------------------------------- flows
    def _handoff(
        self, message: IncomingMessage, state: DialogueState, raw: str, understanding: Any, started: float
    ) -> Reply:
        question = handoff_question(raw if understanding is not None else None, state.last_question)
        if question is None:
            outcome = Outcome(Decision.HANDOFF, NOTHING_TO_HAND_OFF)
            return self._finish(message, state, outcome, raw, understanding, started)
        text = handoff_text(question, self._office_hours)
        outcome = Outcome(Decision.HANDOFF, text, review_reason="handoff", handoff_question=question)
        return self._finish(message, state, outcome, raw, understanding, started)

    def _eligibility_reply(
        self,
        message: IncomingMessage,
        state: DialogueState,
        step: eligibility.Outcome,
        raw: str,
        started: float,
        understanding: Any = None,
    ) -> Reply:
        decision = Decision.ANSWERED if step.state is None else Decision.CLARIFY
        extra: tuple[tuple[str, object], ...] = (("flow", "eligibility"),)
        if step.classification:
            extra += (("classification", step.classification),)
        outcome = Outcome(decision, step.text, buttons=step.buttons, extra=extra, topic=ELIGIBILITY_TOPIC)
        return self._finish(message, state, outcome, raw, understanding, started)

    # ----------------------------------------------------------------- logging and reply
    def _finish(
        self,
        message: IncomingMessage,
        state: DialogueState,
        outcome: Outcome,
        question: str,
        understanding: Any,
        started: float,
        *,
        revision: int | None = None,
        remember: bool = True,
    ) -> Reply:
        draft = Reply(outcome.decision, outcome.text, citations=outcome.citations, buttons=outcome.buttons)
        intent = understanding.intent if understanding is not None else None
        province = state.provinces[0] if state.provinces else None
        with self._sessions.begin() as session:
            logged = log_exchange(
                session,
                channel=message.channel,
                user_key=message.user_key,
                question=question,
                reply=draft,
                intent=intent.name if intent is not None else None,
                intent_confidence=intent.confidence if intent is not None else None,
                confidence=outcome.confidence,
                hits=outcome.hits,
                faq_hits=[{"faq_id": f.faq_id, "score": round(float(f.score), 6)} for f in outcome.faq_hits[:3]],
                faq_id=outcome.faq_id,
                kb_revision=revision,
                latency_ms=(time.perf_counter() - started) * 1000,
                platform_message_id=message.platform_message_id,
                province=province,
                topic=outcome.topic,
            )
            if outcome.review_reason == "handoff":
                embedding = self._embed(outcome.handoff_question or logged.question)
                hand_off(session, message=logged, question=outcome.handoff_question, embedding=embedding)
            elif outcome.review_reason is not None and self._review_inbox:
                enqueue(session, message=logged, reason=outcome.review_reason, embedding=self._embed(logged.question))
            message_id = logged.id
        if remember:
            self.memory.put(message.channel, message.user_key, replace(state, last_message_id=message_id))
        return self._reply(outcome, message_id, started)

    def _reply(self, outcome: Outcome, message_id: int | None, started: float) -> Reply:
        buttons = outcome.buttons
        if outcome.feedback and message_id is not None:
            buttons = (*buttons, *feedback_buttons(message_id))
        return Reply(
            decision=outcome.decision,
            text=outcome.text,
            blocks=(outcome.text,),
            citations=outcome.citations,
            buttons=buttons,
            message_id=message_id,
            latency_ms=(time.perf_counter() - started) * 1000,
            extra=dict(outcome.extra),
        )

    def _embed(self, text: str) -> np.ndarray | None:
        if self._embedder is None or not text:
            return None
        return np.asarray(self._embedder.embed_queries([text])[0], dtype=np.float64)


def _answered(composed: Composed, confidence: float, faq_id: int | None = None) -> Outcome:
    return Outcome(
        Decision.ANSWERED,
        composed.text,
        composed.citations,
        composed.buttons,
        confidence=confidence,
        faq_id=faq_id,
        feedback=True,
    )


def _int_after(payload: str, prefix: str) -> int | None:
    if payload.startswith(prefix) and payload[len(prefix) :].isdigit():
        return int(payload[len(prefix) :])
    return None


def encode_entities(entities: Sequence[tuple[str, str]]) -> str:
    return "\x1f".join(f"{kind}\x1e{text}" for kind, text in entities)


def rewrite_follow_up(
    previous: str, previous_entities: str, follow_up: str, entities: Sequence[tuple[str, str]]
) -> tuple[str, str]:
    """The question a follow-up stands for, and its entities: the previous question with the entity the follow-up
    changes swapped in ("Hậu Giang có bao nhiêu tổ công nghệ số?" + "ở Cao Bằng thì sao?" → "Cao Bằng có bao
    nhiêu tổ công nghệ số?"); when nothing can be swapped, both texts together."""
    before = dict(item.split("\x1e", 1) for item in previous_entities.split("\x1f") if "\x1e" in item)
    rewritten = previous
    after = dict(before)
    for kind, text in entities:
        old = before.get(kind)
        if old and old in rewritten and old.lower() != text.lower():
            rewritten = rewritten.replace(old, text)
            after[kind] = text
    if rewritten == previous:
        after.update(dict(entities))
        return contextual_query(previous, follow_up), encode_entities(list(after.items()))
    return rewritten, encode_entities(list(after.items()))


def valid_faqs(session: Session, faq_hits: Sequence[FaqHit], today: date) -> dict[int, FaqAnswer]:
    """The matched FAQ entries that are published and apply today, with their citations resolved."""
    ids = {hit.faq_id for hit in faq_hits}
    if not ids:
        return {}
    rows = session.scalars(
        select(Faq).where(Faq.id.in_(ids), Faq.status == FaqStatus.PUBLISHED).options(joinedload(Faq.citations))
    ).unique()
    found: dict[int, FaqAnswer] = {}
    for faq in rows:
        if (faq.applies_from and faq.applies_from > today) or (faq.applies_until and faq.applies_until < today):
            continue
        citations = []
        for cite in faq.citations:
            document = cite.document
            citations.append(
                Citation(
                    document=document.label if document else cite.label,
                    locator=cite.locator,
                    issuer=document.issuer if document else None,
                    issued_on=format_date(document.issued_on) if document else None,
                    status=str(document.status) if document else None,
                    url=cite.url or (document.source_url if document else None),
                    passage_id=cite.passage_id,
                )
            )
        found[faq.id] = FaqAnswer(faq.id, faq.answer, faq.next_step, faq.period, tuple(citations), faq.topic)
    return found


def passage_hit(session: Session, passage_id: int) -> Hit | None:
    """A stored passage as a Hit (for "Xem chi tiết" and clarification choices)."""
    passage = session.get(Passage, passage_id)
    if passage is None or passage.document.retired:
        return None
    return Hit(
        passage_id=passage.id,
        score=1.0,
        signals={},
        locator=passage.locator,
        heading_path=tuple(passage.heading_path or ()),
        text=passage.text,
        document=document_ref(passage.document),
    )


def document_topic(document: DocumentRef) -> str:
    """A document as an analytics topic: its number, or its title for news without one."""
    return (document.number or document.title)[:200]


def document_ref(document: Document) -> DocumentRef:
    return DocumentRef(
        id=document.id,
        slug=document.slug,
        number=document.number,
        title=document.title,
        doc_type=document.doc_type,
        kind=str(document.kind),
        issuer=document.issuer,
        issued_on=document.issued_on,
        effective_from=document.effective_from,
        status=str(document.status),
        period=document.period,
        province=document.province,
        superseded_by=document.superseded_by,
        source_url=document.source_url,
    )
