"""What citizens asked and what Loa replied (personal data masked before storage), feedback and review items."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.models.base import Base, Timestamped, utcnow
from knowledge_base.models.documents import _enum


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    user_key: Mapped[str] = mapped_column(String(200))
    """The platform's user id (Telegram chat id, Zalo user id, web session), never a phone number."""
    province: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_user_message_at: Mapped[datetime | None]
    """Start of the channel's reply window (Zalo OA: 48 hours after the user's last interaction)."""

    messages: Mapped[list[Message]] = relationship(back_populates="conversation", order_by="Message.id")


class Message(Base):
    """One exchange: the user's (masked) text and Loa's reply with its decision and evidence."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_created_decision", "created_at", "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(30), index=True)
    platform_message_id: Mapped[str | None] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    """The user's text with personal data masked."""
    intent: Mapped[str | None] = mapped_column(String(50))
    intent_confidence: Mapped[float | None]
    decision: Mapped[str] = mapped_column(String(20), index=True)
    confidence: Mapped[float | None]
    topic: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(100))
    reply: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    faq_id: Mapped[int | None] = mapped_column(ForeignKey("faq.id", ondelete="SET NULL"))
    kb_revision: Mapped[int | None]
    latency_ms: Mapped[float | None]

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class OfficerReply(Base):
    """An officer's answer sent to a citizen from the console, kept so the web chat can show it (and keep it in
    the page's history) on every channel's conversation."""

    __tablename__ = "officer_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    example_id: Mapped[int | None] = mapped_column(ForeignKey("review_example.id", ondelete="SET NULL"))
    officer: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int]
    """+1 for 👍, -1 for 👎."""
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewState(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    IGNORED = "ignored"


class ReviewItem(Timestamped, Base):
    """A group of similar questions Loa could not answer well, for an administrator to close."""

    __tablename__ = "review_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, "review_state"), default=ReviewState.NEW, index=True
    )
    reason: Mapped[str] = mapped_column(String(30))
    """Why it is here first: refused, low_confidence, negative_feedback, handoff."""
    title: Mapped[str] = mapped_column(Text)
    """The representative question (masked)."""
    centroid: Mapped[list[float] | None] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(default=0)
    resolution: Mapped[str | None] = mapped_column(Text)
    ignore_reason: Mapped[str | None] = mapped_column(Text)
    faq_id: Mapped[int | None] = mapped_column(ForeignKey("faq.id", ondelete="SET NULL"))
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passage.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    examples: Mapped[list[ReviewExample]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ReviewExample.id"
    )


class ReviewExample(Base):
    __tablename__ = "review_example"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_item.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(30))
    question: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(30))
    province: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    item: Mapped[ReviewItem] = relationship(back_populates="examples")
