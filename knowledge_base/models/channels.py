"""State channel adapters must keep across workers: OAuth tokens, seen deliveries, the inbox and the outbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.models.base import Base, utcnow


class ChannelToken(Base):
    """An access/refresh token pair (Zalo OA); the refresh token is single-use, so it is replaced atomically."""

    __tablename__ = "channel_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(30), unique=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    generation: Mapped[int] = mapped_column(default=1)
    """Increases on every refresh; an update only succeeds against the generation it read."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeenDelivery(Base):
    """Webhook deliveries already processed, so platform retries produce one reply."""

    __tablename__ = "seen_delivery"
    __table_args__ = (UniqueConstraint("channel", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    delivery_id: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class InboundStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class InboundMessage(Base):
    """A webhook delivery stored before the platform gets its 200, in the same transaction as its
    ``seen_delivery`` mark (a transactional inbox): a worker answers it, and after a crash it is still here."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("channel", "delivery_id"), Index("ix_inbound_message_status_id", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    delivery_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    """The webhook body as received (already checked), for the worker to parse again."""
    status: Mapped[str] = mapped_column(String(10), default=InboundStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class OutboundSend(Base):
    """One platform send made while answering an inbound message, keyed ``<inbound id>:<n>`` (a transactional
    outbox record): a replay of the same inbound message skips every send already recorded."""

    __tablename__ = "outbound_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_id: Mapped[int] = mapped_column(ForeignKey("inbound_message.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
