"""Documents (legal texts, news), their version history and their passages."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.models.base import Base, Timestamped, utcnow


class DocumentKind(enum.StrEnum):
    LEGAL = "legal"
    NEWS = "news"
    REFERENCE = "reference"  # a source known by metadata only (text not in the knowledge base)


class DocumentStatus(enum.StrEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    AMENDED = "amended"

    @property
    def label_vi(self) -> str:
        """How the status reads to citizens and officers."""
        return _STATUS_LABELS_VI[self]


_STATUS_LABELS_VI = {
    DocumentStatus.IN_FORCE: "còn hiệu lực",
    DocumentStatus.EXPIRED: "hết hiệu lực",
    DocumentStatus.SUPERSEDED: "đã bị thay thế",
    DocumentStatus.AMENDED: "đã được sửa đổi, bổ sung",
}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Document(Timestamped, Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    number: Mapped[str | None] = mapped_column(String(100), index=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "document_kind"))
    doc_type: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(300))
    issued_on: Mapped[date | None]
    effective_from: Mapped[date | None]
    effective_until: Mapped[date | None]
    period: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[DocumentStatus] = mapped_column(
        _enum(DocumentStatus, "document_status"), default=DocumentStatus.IN_FORCE
    )
    superseded_by: Mapped[str | None] = mapped_column(String(100))
    superseded_on: Mapped[date | None]
    amends: Mapped[list[str]] = mapped_column(JSON, default=list)
    consolidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    replaces: Mapped[list[str]] = mapped_column(JSON, default=list)
    province: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=0)
    """Bumped on every change of the text; 0 for a metadata-only reference."""
    kb_revision: Mapped[int] = mapped_column(default=0)
    """The knowledge-base revision in which this document last changed."""
    retired: Mapped[bool] = mapped_column(default=False)
    """Retired by an officer: kept for history and citations, never served."""

    passages: Mapped[list[Passage]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Passage.order"
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentVersion.version"
    )

    @property
    def label(self) -> str:
        """How citizens see the document named: its number, or its title for news."""
        return self.number or self.title


class DocumentVersion(Base):
    """One imported text of a document; the newest is the live one, older ones are history."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(Text)
    passage_count: Mapped[int] = mapped_column(default=0)
    kb_revision: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(100))

    document: Mapped[Document] = relationship(back_populates="versions")


class Passage(Base):
    __tablename__ = "passage"
    __table_args__ = (Index("ix_passage_document_order", "document_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    locator: Mapped[str] = mapped_column(String(200))
    heading_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    order: Mapped[int]
    kb_revision: Mapped[int] = mapped_column(default=0)

    document: Mapped[Document] = relationship(back_populates="passages")

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "locator": self.locator, "heading_path": self.heading_path, "text": self.text}
