"""Grouping of the review inbox: paraphrases join one item, other questions open their own (real embeddings)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.review.queue import enqueue
from indexer.embedders import Embedder
from knowledge_base.db import SessionFactory
from knowledge_base.models import Conversation, Message, ReviewItem


def _message(session: Session, conversation: Conversation, question: str) -> Message:
    message = Message(conversation_id=conversation.id, channel="web", question=question, decision="refused",
                      reply="…", citations=[], hits=[])
    session.add(message)
    session.flush()
    return message


def test_similar_questions_share_an_item(session_factory: SessionFactory, embedder: Embedder) -> None:
    questions = [
        "Vay vốn ngân hàng chính sách cho hộ nghèo lãi suất bao nhiêu?",
        "Lãi suất cho vay hộ nghèo ở ngân hàng chính sách là mấy phần trăm?",
        "Hộ nghèo được hỗ trợ làm nhà bao nhiêu tiền?",
    ]
    vectors = embedder.embed_queries(questions)
    with session_factory.begin() as session:
        conversation = Conversation(channel="web", user_key="review")
        session.add(conversation)
        session.flush()
        items = []
        for question, vector in zip(questions, vectors, strict=True):
            message = _message(session, conversation, question)
            items.append(enqueue(session, message=message, reason="refused", embedding=vector))
        again = enqueue(session, message=message, reason="refused", embedding=vectors[-1])
        rated = enqueue(session, message=message, reason="negative_feedback", embedding=vectors[-1])
    assert items[0].id == items[1].id
    assert items[2].id != items[0].id
    assert again.id == rated.id == items[2].id
    with session_factory() as session:
        stored = {item.id: item for item in session.scalars(select(ReviewItem)).all()}
        assert stored[items[0].id].count == 2
        assert [e.question for e in stored[items[0].id].examples] == questions[:2]
        assert stored[items[2].id].count == 2  # refused once (not twice) and rated 👎
        assert sorted(e.reason for e in stored[items[2].id].examples) == ["negative_feedback", "refused"]
