"""FAQ entries written by officers (and the starter knowledge), with their citations."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.models.base import Base, Timestamped
from knowledge_base.models.documents import Document, Passage, _enum


class FaqStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Faq(Timestamped, Base):
    __tablename__ = "faq"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    topic: Mapped[str | None] = mapped_column(String(100), index=True)
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(String(20))
    applies_from: Mapped[date | None]
    applies_until: Mapped[date | None]
    status: Mapped[FaqStatus] = mapped_column(_enum(FaqStatus, "faq_status"), default=FaqStatus.DRAFT, index=True)
    origin: Mapped[str] = mapped_column(String(20), default="officer")
    """Where the entry came from: 'starter' (shipped data) or 'officer' (written in the console)."""
    content_hash: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    author_name: Mapped[str | None] = mapped_column(String(100))
    kb_revision: Mapped[int] = mapped_column(default=0)

    citations: Mapped[list[FaqCitation]] = relationship(
        back_populates="faq", cascade="all, delete-orphan", order_by="FaqCitation.id"
    )


class FaqCitation(Base):
    __tablename__ = "faq_citation"

    id: Mapped[int] = mapped_column(primary_key=True)
    faq_id: Mapped[int] = mapped_column(ForeignKey("faq.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passage.id", ondelete="SET NULL"))
    locator: Mapped[str | None] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(Text)
    """The cited source as written (document number, or a listed source's title)."""
    url: Mapped[str | None] = mapped_column(Text)

    faq: Mapped[Faq] = relationship(back_populates="citations")
    document: Mapped[Document | None] = relationship()
    passage: Mapped[Passage | None] = relationship()
