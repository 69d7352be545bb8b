"""The administrators' side of the review inbox: list grouped items, move them through their states, resolve them
by linking an FAQ entry or a passage, or ignore them with a reason. Every change is audited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.models import (
    Conversation,
    Message,
    OfficerReply,
    Passage,
    ReviewExample,
    ReviewItem,
    ReviewState,
    utcnow,
)
from knowledge_base.services.audit import record_change
from knowledge_base.services.faqs import add_phrasings, get_faq

STATE_LABELS_VI = {ReviewState.NEW: "Mới", ReviewState.IN_PROGRESS: "Đang xử lý", ReviewState.DONE: "Đã xong",
                   ReviewState.IGNORED: "Bỏ qua"}
REASON_LABELS_VI = {"refused": "Loa từ chối", "low_confidence": "Độ tin cậy thấp", "negative_feedback": "Bị chấm 👎",
                    "handoff": "Xin gặp cán bộ"}


class InboxError(ValueError):
    """A change the inbox refuses; the message is Vietnamese and can be shown as is."""


@dataclass(frozen=True)
class ItemSummary:
    item: ReviewItem
    channels: dict[str, int]
    provinces: dict[str, int]
    reasons: dict[str, int]
    last_seen: Any


TRANSCRIPT_LIMIT = 40
"""The most recent exchanges of a conversation the review item shows."""


@dataclass(frozen=True)
class Line:
    """One turn of a conversation as the officer reads it: who said it (Người dân, Loa, Cán bộ …) and what."""

    at: Any
    who: str
    text: str


@dataclass(frozen=True)
class Recipient:
    """Someone who asked a question of this item, to send the officer's answer to, with their conversation."""

    example_id: int
    channel: str
    user_key: str
    question: str
    answered: bool
    transcript: tuple[Line, ...] = ()


def transcript(session: Session, conversation_id: int, limit: int = TRANSCRIPT_LIMIT) -> tuple[Line, ...]:
    """The conversation's recent turns, oldest first: the citizen's (masked) words, Loa's replies and officers'
    replies."""
    messages = session.scalars(select(Message).where(Message.conversation_id == conversation_id)
                               .order_by(Message.id.desc()).limit(limit)).all()
    replies = session.scalars(select(OfficerReply).where(OfficerReply.conversation_id == conversation_id)
                              .order_by(OfficerReply.id.desc()).limit(limit)).all()
    lines: list[tuple[Any, int, Line]] = []
    for message in messages:
        lines.append((message.created_at, message.id * 2, Line(message.created_at, "Người dân", message.question)))
        lines.append((message.created_at, message.id * 2 + 1, Line(message.created_at, "Loa", message.reply)))
    for reply in replies:
        lines.append((reply.created_at, 0, Line(reply.created_at, f"Cán bộ {reply.officer}", reply.text)))
    lines.sort(key=lambda row: (row[0], row[1]))
    return tuple(line for _, _, line in lines)


def _summary(item: ReviewItem) -> ItemSummary:
    examples = item.examples
    return ItemSummary(
        item,
        dict(Counter(e.channel for e in examples).most_common()),
        dict(Counter(e.province for e in examples if e.province).most_common()),
        dict(Counter(e.reason for e in examples).most_common()),
        max((e.created_at for e in examples), default=item.created_at),
    )


def list_items(session: Session, *, state: str = "open", limit: int = 200) -> list[ItemSummary]:
    """Items in ``state`` (``open``: new and in progress), the most asked first."""
    query = select(ReviewItem).options(selectinload(ReviewItem.examples))
    if state == "open":
        query = query.where(ReviewItem.state.in_((ReviewState.NEW, ReviewState.IN_PROGRESS)))
    elif state:
        query = query.where(ReviewItem.state == ReviewState(state))
    query = query.order_by(ReviewItem.count.desc(), ReviewItem.updated_at.desc()).limit(limit)
    return [_summary(item) for item in session.scalars(query)]


def state_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(ReviewItem.state, func.count()).group_by(ReviewItem.state)).all()
    return {ReviewState(state).value: int(n) for state, n in rows}


def get_item(session: Session, item_id: int) -> ItemSummary:
    item = session.scalar(select(ReviewItem).where(ReviewItem.id == item_id)
                          .options(selectinload(ReviewItem.examples)))
    if item is None:
        raise InboxError("Không tìm thấy mục cần xem xét.")
    return _summary(item)


def _snapshot(item: ReviewItem) -> dict[str, Any]:
    return {"state": item.state.value, "faq_id": item.faq_id, "passage_id": item.passage_id,
            "resolution": item.resolution, "ignore_reason": item.ignore_reason}


def _change(session: Session, item: ReviewItem, action: str, summary: str, actor: str, actor_id: int | None,
            before: dict[str, Any]) -> None:
    item.updated_at = utcnow()
    record_change(session, actor=actor, actor_id=actor_id, action=action, entity_type="review_item",
                  entity_id=item.id, summary=summary, before=before, after=_snapshot(item))


def set_state(session: Session, item_id: int, state: ReviewState, *, actor: str, actor_id: int | None) -> ReviewItem:
    item = get_item(session, item_id).item
    before = _snapshot(item)
    item.state = state
    if state is ReviewState.IN_PROGRESS and item.assignee_id is None:
        item.assignee_id = actor_id
    _change(session, item, "state", f"Chuyển «{item.title}» sang {STATE_LABELS_VI[state]}", actor, actor_id, before)
    return item


def ignore(session: Session, item_id: int, reason: str, *, actor: str, actor_id: int | None) -> ReviewItem:
    if not reason.strip():
        raise InboxError("Hãy ghi lý do bỏ qua.")
    item = get_item(session, item_id).item
    before = _snapshot(item)
    item.state = ReviewState.IGNORED
    item.ignore_reason = reason.strip()
    _change(session, item, "ignore", f"Bỏ qua «{item.title}»: {reason.strip()}", actor, actor_id, before)
    return item


def link_faq(session: Session, item_id: int, faq_id: int, *, actor: str, actor_id: int | None) -> ReviewItem:
    """Resolve with an existing FAQ entry, teaching it the item's phrasings (the index needs a rebuild)."""
    item = get_item(session, item_id).item
    faq = get_faq(session, faq_id)
    add_phrasings(session, faq.id, [item.title, *(e.question for e in item.examples)], actor=actor,
                  actor_id=actor_id)
    before = _snapshot(item)
    item.faq_id = faq.id
    item.state = ReviewState.DONE
    item.resolution = faq.answer
    _change(session, item, "link_faq", f"Trả lời «{item.title}» bằng câu hỏi thường gặp số {faq.id}", actor,
            actor_id, before)
    return item


def link_passage(session: Session, item_id: int, passage_id: int, *, actor: str, actor_id: int | None) -> ReviewItem:
    item = get_item(session, item_id).item
    passage = session.get(Passage, passage_id)
    if passage is None:
        raise InboxError(f"Không tìm thấy đoạn văn số {passage_id}.")
    before = _snapshot(item)
    item.passage_id = passage.id
    item.state = ReviewState.DONE
    item.resolution = f"{passage.locator} {passage.document.label}: {passage.text}"
    _change(session, item, "link_passage", f"Trả lời «{item.title}» bằng {passage.locator} {passage.document.label}",
            actor, actor_id, before)
    return item


def resolved_by_faq(session: Session, item_id: int, faq_id: int, *, actor: str, actor_id: int | None) -> ReviewItem:
    """Mark an item done by a new FAQ entry written from it."""
    item = get_item(session, item_id).item
    before = _snapshot(item)
    item.faq_id = faq_id
    item.state = ReviewState.DONE
    item.resolution = get_faq(session, faq_id).answer
    _change(session, item, "new_faq", f"Viết câu hỏi thường gặp số {faq_id} cho «{item.title}»", actor, actor_id,
            before)
    return item


def recipients(session: Session, item_id: int) -> list[Recipient]:
    """Who asked the item's questions, through which channel (one per person)."""
    rows = session.execute(
        select(ReviewExample, Conversation).join(Message, Message.id == ReviewExample.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id).where(ReviewExample.item_id == item_id)
        .order_by(ReviewExample.id.desc())).all()
    seen: set[tuple[str, str]] = set()
    out = []
    for example, conversation in rows:
        key = (conversation.channel, conversation.user_key)
        if key in seen:
            continue
        seen.add(key)
        out.append(Recipient(example.id, conversation.channel, conversation.user_key, example.question,
                             example.answered_at is not None, transcript(session, conversation.id)))
    return out


def mark_answered(session: Session, example_id: int, text: str, *, actor: str, actor_id: int | None) -> None:
    example = session.get(ReviewExample, example_id)
    if example is None:
        raise InboxError("Không tìm thấy câu hỏi.")
    example.answered_at = utcnow()
    message = session.get(Message, example.message_id)
    if message is not None:  # kept with the conversation: the web chat shows it, the console's history too
        session.add(OfficerReply(conversation_id=message.conversation_id, example_id=example.id, officer=actor,
                                 text=text.strip()))
    record_change(session, actor=actor, actor_id=actor_id, action="reply", entity_type="review_item",
                  entity_id=example.item_id, summary=f"Gửi trả lời qua {example.channel} cho câu «{example.question}»",
                  after={"text": text})
