"""Install the starter knowledge into the database: source documents, published FAQ entries, citations.

Idempotent: running it twice changes nothing the second time. An entry whose YAML changed is updated,
an entry removed from the YAML is retired, and the knowledge-base revision is bumped once per run that
changed something. Documents imported from files are never touched (their text belongs to the importer);
a corpus document not imported yet gets a metadata-only row with ``slug`` = its catalogue number (or news
slug) and ``version`` 0, which the importer fills in later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from knowledge_base.db import SessionFactory
from knowledge_base.models import Document, DocumentKind, DocumentStatus, Faq, FaqCitation, FaqStatus, Passage
from knowledge_base.services.audit import record_change
from knowledge_base.services.revision import bump_revision
from knowledge_base.starter.loader import Citation, FaqEntry, SourceDoc, StarterKnowledge

ORIGIN = "starter"


@dataclass
class StarterReport:
    documents_created: int = 0
    documents_updated: int = 0
    faqs_created: int = 0
    faqs_updated: int = 0
    faqs_retired: int = 0
    faqs_unchanged: int = 0
    citations_linked_to_passage: int = 0
    revision: int | None = None
    """The new knowledge-base revision, or None when nothing changed."""
    changed_slugs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.revision is not None

    def summary(self) -> str:
        if not self.changed:
            return f"Kiến thức khởi đầu đã cập nhật sẵn: {self.faqs_unchanged} câu hỏi - đáp không đổi."
        return (
            f"Đã nạp kiến thức khởi đầu (phiên bản kho kiến thức {self.revision}): "
            f"{self.faqs_created} câu hỏi - đáp mới, {self.faqs_updated} cập nhật, {self.faqs_retired} gỡ bỏ, "
            f"{self.faqs_unchanged} không đổi; {self.documents_created} văn bản mới, "
            f"{self.documents_updated} văn bản cập nhật thông tin."
        )


class _Revision:
    """Bumps the knowledge-base revision at the first change of a run, and only then."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.value: int | None = None

    def current(self) -> int:
        if self.value is None:
            self.value = bump_revision(self._session)
        return self.value


def install_starter(
    session_factory: SessionFactory, starter: StarterKnowledge, *, actor: str = ORIGIN
) -> StarterReport:
    report = StarterReport()
    with session_factory() as session, session.begin():
        revision = _Revision(session)
        documents = {src.number: _upsert_document(session, src, revision, report, actor) for src in starter.sources}
        wanted = {entry.id for entry in starter.entries}
        for entry in starter.entries:
            _upsert_faq(session, entry, starter, documents, revision, report, actor)
        _retire_removed(session, wanted, revision, report, actor)
        report.revision = revision.value
    return report


def _find_document(session: Session, src: SourceDoc) -> Document | None:
    conditions = [Document.slug == src.number]
    if src.kind == "legal":
        conditions.append(Document.number == src.number)
    if src.corpus_file is not None:
        conditions.append(Document.source_file.like(f"%{src.corpus_file.rsplit('/', 1)[-1]}"))
    return session.scalars(select(Document).where(or_(*conditions)).order_by(Document.version.desc())).first()


def _document_fields(src: SourceDoc) -> dict[str, Any]:
    return {
        "number": None if src.kind == "news" or src.number.startswith("web/") else src.number,
        "kind": DocumentKind(src.kind),
        "doc_type": src.type,
        "title": src.title,
        "issuer": src.issuer,
        "issued_on": src.issued,
        "effective_from": src.effective_from,
        "period": src.period,
        "status": DocumentStatus(src.status),
        "superseded_by": src.superseded_by,
        "source_url": src.source_url,
        "note": src.note,
        "province": src.province,
        "year": src.year,
    }


def _upsert_document(
    session: Session, src: SourceDoc, revision: _Revision, report: StarterReport, actor: str
) -> Document:
    document = _find_document(session, src)
    fields = _document_fields(src)
    if document is None:
        document = Document(slug=src.number, version=0, kb_revision=revision.current(), **fields)
        session.add(document)
        session.flush()
        report.documents_created += 1
        record_change(
            session,
            actor=actor,
            action="create",
            entity_type="document",
            entity_id=document.id,
            summary=f"Kiến thức khởi đầu: thêm nguồn {src.number}",
            after=fields,
        )
        return document
    if document.version > 0 or src.corpus_file is not None:
        return document  # imported from a file, or a corpus placeholder the importer may have filled: theirs
    before = {name: getattr(document, name) for name in fields}
    if before == fields:
        return document
    for name, value in fields.items():
        setattr(document, name, value)
    document.kb_revision = revision.current()
    report.documents_updated += 1
    record_change(
        session,
        actor=actor,
        action="update",
        entity_type="document",
        entity_id=document.id,
        summary=f"Kiến thức khởi đầu: cập nhật thông tin nguồn {src.number}",
        before=before,
        after=fields,
    )
    return document


def _faq_fields(entry: FaqEntry) -> dict[str, Any]:
    return {
        "topic": entry.topic,
        "questions": list(entry.questions),
        "answer": entry.answer,
        "next_step": entry.next_step,
        "period": entry.period,
        "applies_from": entry.applies_from,
        "applies_until": entry.applies_until,
        "content_hash": entry.content_hash(),
    }


def _upsert_faq(
    session: Session,
    entry: FaqEntry,
    starter: StarterKnowledge,
    documents: dict[str, Document],
    revision: _Revision,
    report: StarterReport,
    actor: str,
) -> None:
    faq = session.scalars(select(Faq).where(Faq.slug == entry.id)).one_or_none()
    fields = _faq_fields(entry)
    if faq is not None and faq.content_hash == fields["content_hash"]:
        report.faqs_unchanged += 1
        return
    if faq is None:
        faq = Faq(slug=entry.id, status=FaqStatus.PUBLISHED, origin=ORIGIN, author_name=actor, **fields)
        session.add(faq)
        action, before = "create", None
        report.faqs_created += 1
    else:
        before = {name: getattr(faq, name) for name in fields}
        for name, value in fields.items():
            setattr(faq, name, value)
        faq.citations.clear()
        action = "update"
        report.faqs_updated += 1
    faq.kb_revision = revision.current()
    for citation in entry.citations:
        faq.citations.append(
            _citation(session, citation, starter.source(citation.document), documents[citation.document], report)
        )
    session.flush()
    report.changed_slugs.append(entry.id)
    record_change(
        session,
        actor=actor,
        action=action,
        entity_type="faq",
        entity_id=faq.id,
        summary=f"Kiến thức khởi đầu: {entry.id}",
        before=before,
        after=fields,
    )


def _citation(
    session: Session, citation: Citation, src: SourceDoc, document: Document, report: StarterReport
) -> FaqCitation:
    passage = _find_passage(session, document, citation.locator)
    if passage is not None:
        report.citations_linked_to_passage += 1
    return FaqCitation(
        document_id=document.id,
        passage_id=None if passage is None else passage.id,
        locator=citation.locator,
        label=document.label,
        url=src.source_url,
    )


def _locator_candidates(locator: str) -> list[str]:
    """'Khoản 2 Điều 1; Phụ lục I' → both parts; a note in brackets ('(dòng 6.1)') is dropped.

    Compared exactly: SQLite's lower() does not fold Vietnamese capitals such as 'Đ'.
    """
    parts = [locator, *locator.split(";")]
    cleaned = [" ".join(re.sub(r"\([^)]*\)", " ", part).split()) for part in parts]
    return [part for part in dict.fromkeys(cleaned) if part]


def _find_passage(session: Session, document: Document, locator: str | None) -> Passage | None:
    if locator is None or document.id is None:
        return None
    return session.scalars(
        select(Passage)
        .where(Passage.document_id == document.id, Passage.locator.in_(_locator_candidates(locator)))
        .order_by(Passage.order)
    ).first()


def _retire_removed(session: Session, wanted: set[str], revision: _Revision, report: StarterReport, actor: str) -> None:
    stale = session.scalars(
        select(Faq).where(Faq.origin == ORIGIN, Faq.status != FaqStatus.RETIRED, Faq.slug.not_in(wanted))
    ).all()
    for faq in stale:
        faq.status = FaqStatus.RETIRED
        faq.kb_revision = revision.current()
        report.faqs_retired += 1
        report.changed_slugs.append(faq.slug)
        record_change(
            session,
            actor=actor,
            action="retire",
            entity_type="faq",
            entity_id=faq.id,
            summary=f"Kiến thức khởi đầu: gỡ {faq.slug} (không còn trong dữ liệu khởi đầu)",
        )
