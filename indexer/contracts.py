"""What goes into and comes out of retrieval. Nothing else crosses the indexer's boundary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocumentRef:
    """The document a passage belongs to, as answers cite it."""

    id: int
    slug: str
    number: str | None
    title: str
    doc_type: str
    kind: str
    issuer: str | None
    issued_on: date | None
    effective_from: date | None
    status: str
    period: str | None
    province: str | None
    superseded_by: str | None
    source_url: str | None
    aliases: tuple[str, ...] = ()
    """Other numbers this text answers for: the documents it consolidates (a VBHN stands for its Thông tư)."""

    @property
    def label(self) -> str:
        return self.number or self.title


@dataclass(frozen=True)
class Hit:
    passage_id: int
    score: float
    signals: Mapping[str, float]
    """Per-signal scores, e.g. {"dense": .., "bm25": .., "bm25_plain": ..}."""
    locator: str
    heading_path: tuple[str, ...]
    text: str
    document: DocumentRef


@dataclass(frozen=True)
class FaqHit:
    faq_id: int
    score: float
    matched_question: str
    signals: Mapping[str, float]


@dataclass(frozen=True)
class SearchFilters:
    statuses: frozenset[str] | None = None
    """Keep only documents with these statuses (None: all)."""
    province: str | None = None
    period: str | None = None
    kinds: frozenset[str] | None = None


@dataclass(frozen=True)
class Query:
    text: str
    """The question as the user typed it (the retriever normalises it)."""
    variants: tuple[str, ...] = ()
    """Extra forms of the same question, e.g. with diacritics restored or slang expanded."""
    filters: SearchFilters = field(default_factory=SearchFilters)
