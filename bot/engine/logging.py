"""Store every exchange: who (channel, user key), what was asked (masked), what Loa decided and replied, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.engine.contracts import Citation, Reply
from indexer.contracts import Hit
from knowledge_base.models import Conversation, Feedback, Message, utcnow
from nlu.privacy import mask

MAX_LOGGED_HITS = 10


def conversation_for(session: Session, channel: str, user_key: str) -> Conversation:
    """The conversation row of this user on this channel, created on first contact."""
    same = (Conversation.channel == channel, Conversation.user_key == user_key)
    found = session.scalar(select(Conversation).where(*same))
    if found is not None:
        return found
    created = Conversation(channel=channel, user_key=user_key)
    try:
        with session.begin_nested():
            session.add(created)
    except IntegrityError:  # another worker created it at the same moment
        return session.scalars(select(Conversation).where(*same)).one()
    return created


def hit_record(hit: Hit) -> dict[str, Any]:
    return {
        "passage_id": hit.passage_id,
        "score": round(float(hit.score), 6),
        "signals": {name: round(float(value), 6) for name, value in hit.signals.items()},
        "document": hit.document.label,
        "locator": hit.locator,
    }


def log_exchange(
    session: Session,
    *,
    channel: str,
    user_key: str,
    question: str,
    reply: Reply,
    intent: str | None,
    intent_confidence: float | None,
    confidence: float | None,
    hits: Sequence[Hit],
    faq_hits: Sequence[dict[str, Any]] = (),
    faq_id: int | None = None,
    kb_revision: int | None,
    latency_ms: float,
    platform_message_id: str | None = None,
    province: str | None = None,
    topic: str | None = None,
) -> Message:
    """Insert one Message (question and reply masked) inside the caller's transaction and return it."""
    conversation = conversation_for(session, channel, user_key)
    conversation.last_user_message_at = utcnow()
    if province:
        conversation.province = province
    records = [hit_record(hit) for hit in hits[:MAX_LOGGED_HITS]]
    records += [{"faq": record} for record in faq_hits]
    message = Message(
        conversation_id=conversation.id,
        channel=channel,
        platform_message_id=platform_message_id,
        question=mask(question),
        intent=intent,
        intent_confidence=intent_confidence,
        decision=str(reply.decision),
        confidence=confidence,
        topic=topic,
        province=province,
        reply=mask(reply.text),
        citations=[_citation(c) for c in reply.citations],
        hits=records,
        faq_id=faq_id,
        kb_revision=kb_revision,
        latency_ms=round(latency_ms, 3),
    )
    session.add(message)
    session.flush()
    return message


def _citation(citation: Citation) -> dict[str, Any]:
    return {key: value for key, value in asdict(citation).items() if value is not None}


def add_feedback(session: Session, message_id: int, rating: int, comment: str | None = None) -> Feedback | None:
    """Attach a 👍 (+1) or 👎 (-1) to a logged message; None when the message does not exist.

    One rating per answer: a second press (the same or the other button) changes the first rather than counting
    again."""
    if rating not in (-1, 1):
        raise ValueError("rating must be +1 or -1")
    message = session.get(Message, message_id)
    if message is None:
        return None
    feedback = session.scalars(select(Feedback).where(Feedback.message_id == message_id)
                               .order_by(Feedback.id).limit(1)).first()
    if feedback is None:
        feedback = Feedback(message_id=message_id, rating=rating)
        session.add(feedback)
    feedback.rating = rating
    if comment:
        feedback.comment = mask(comment)
    feedback.created_at = utcnow()
    session.flush()
    return feedback
