"""State channel adapters must keep across workers: OAuth tokens and seen deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
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
