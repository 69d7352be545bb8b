"""The knowledge-base revision counter: one row, bumped on every published change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from knowledge_base.models.base import Base, utcnow


class KbState(Base):
    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
