"""Installing the starter knowledge into a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from knowledge_base.db import SessionFactory
from knowledge_base.models import AuditLog, Document, DocumentKind, Faq, FaqCitation, FaqStatus, Passage
from knowledge_base.services.revision import current_revision
from knowledge_base.starter import StarterKnowledge, install_starter, load_starter


def _count(session_factory: SessionFactory, model: type[Any]) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _revision(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return current_revision(session)


def _entry(data: dict[str, Any], entry_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in data["entries"] if item["id"] == entry_id)
    return found


def test_empty_database_gets_every_entry_published_with_resolved_citations(
    session_factory: SessionFactory, starter: StarterKnowledge
) -> None:
    report = install_starter(session_factory, starter)

    assert report.faqs_created == len(starter.entries)
    assert report.documents_created == len(starter.sources)
    assert report.revision == 1 == _revision(session_factory)
    with session_factory() as session:
        faqs = session.scalars(select(Faq)).all()
        assert {faq.status for faq in faqs} == {FaqStatus.PUBLISHED}
        assert {faq.origin for faq in faqs} == {"starter"}
        assert all(faq.kb_revision == 1 and faq.citations for faq in faqs)
        citations = session.scalars(select(FaqCitation)).all()
        assert all(c.document_id is not None for c in citations)
        faq = session.scalars(select(Faq).where(Faq.slug == "ho-ngheo-la-gi")).one()
        assert faq.applies_until is not None
        assert faq.applies_until.year == 2026
        labels = {c.label for c in faq.citations}
        assert {"1315/VBHN-BLĐTBXH", "07/2021/NĐ-CP"} <= labels
        news = session.scalars(select(Document).where(Document.slug == "news/cao-bang-giam-ngheo-ve-thong-tin")).one()
        assert news.kind == DocumentKind.NEWS
        assert news.version == 0
        assert news.label.startswith("Cao Bằng")
        web = session.scalars(select(Document).where(Document.slug == "web/tien-dien-ho-ngheo")).one()
        assert web.kind == DocumentKind.REFERENCE
        assert web.number is None
    expected_audit = len(starter.entries) + len(starter.sources)
    assert _count(session_factory, AuditLog) == expected_audit


def test_second_run_changes_nothing(session_factory: SessionFactory, starter: StarterKnowledge) -> None:
    install_starter(session_factory, starter)
    audit_rows = _count(session_factory, AuditLog)

    report = install_starter(session_factory, starter)

    assert not report.changed
    assert report.revision is None
    assert report.faqs_unchanged == len(starter.entries)
    assert report.faqs_created == report.faqs_updated == report.documents_created == 0
    assert _revision(session_factory) == 1
    assert _count(session_factory, AuditLog) == audit_rows
    assert _count(session_factory, Faq) == len(starter.entries)
    assert _count(session_factory, Document) == len(starter.sources)


def test_edited_entry_is_updated_and_removed_entry_retired(
    session_factory: SessionFactory, starter: StarterKnowledge, starter_copy: Callable[..., Path]
) -> None:
    install_starter(session_factory, starter)

    def edit(data: dict[str, Any]) -> None:
        changed = _entry(data, "lam-hai-nghe")
        changed["answer"] = "Người làm nhiều việc thì ghi việc chiếm nhiều thời gian nhất hoặc thu nhập cao nhất."
        changed["citations"] = [{"document": "1315/VBHN-BLĐTBXH", "locator": "Mục I.3 Phụ lục IV"}]
        data["entries"] = [item for item in data["entries"] if item["id"] != "dat-dai-thue-muon"]

    edited = load_starter(starter_copy({"faq/ra-soat.yaml": edit}))
    report = install_starter(session_factory, edited)

    assert (report.faqs_updated, report.faqs_retired, report.faqs_created) == (1, 1, 0)
    assert report.revision == 2 == _revision(session_factory)
    assert sorted(report.changed_slugs) == ["dat-dai-thue-muon", "lam-hai-nghe"]
    with session_factory() as session:
        updated = session.scalars(select(Faq).where(Faq.slug == "lam-hai-nghe")).one()
        assert updated.answer.startswith("Người làm nhiều việc")
        assert updated.kb_revision == 2
        assert [(c.label, c.locator) for c in updated.citations] == [("1315/VBHN-BLĐTBXH", "Mục I.3 Phụ lục IV")]
        retired = session.scalars(select(Faq).where(Faq.slug == "dat-dai-thue-muon")).one()
        assert retired.status == FaqStatus.RETIRED
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.entity_type == "faq").order_by(AuditLog.id.desc()).limit(2)
        ).all()
        assert sorted(actions) == ["retire", "update"]


def test_imported_document_is_linked_never_overwritten(
    session_factory: SessionFactory, starter: StarterKnowledge
) -> None:
    with session_factory() as session, session.begin():
        imported = Document(
            slug="tt-07-2021-hop-nhat",
            number="1315/VBHN-BLĐTBXH",
            kind=DocumentKind.LEGAL,
            doc_type="Văn bản hợp nhất",
            title="Bản đã nhập từ tệp",
            version=1,
            source_file="legal/VBHN-1315-BLDTBXH-2023_TT-07-2021-TT-BLDTBXH_ra-soat-ho-ngheo-can-ngheo.txt",
        )
        imported.passages.append(Passage(locator="Mục I.3 Phụ lục IV", text="Người làm từ 02 công việc…", order=0))
        session.add(imported)

    report = install_starter(session_factory, starter)

    assert report.documents_created == len(starter.sources) - 1
    with session_factory() as session:
        documents = session.scalars(select(Document).where(Document.number == "1315/VBHN-BLĐTBXH")).all()
        assert [d.title for d in documents] == ["Bản đã nhập từ tệp"]
        faq = session.scalars(select(Faq).where(Faq.slug == "lam-hai-nghe")).one()
        [citation] = faq.citations
        assert citation.document_id == documents[0].id
        assert citation.passage is not None
        assert citation.passage.locator == "Mục I.3 Phụ lục IV"
    assert report.citations_linked_to_passage >= 1
