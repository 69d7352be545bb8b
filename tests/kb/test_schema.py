"""The schema comes from Alembic and matches the ORM models on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select

from knowledge_base.db import SessionFactory
from knowledge_base.models import AuditLog, Base, Document, DocumentKind, Passage
from knowledge_base.services.audit import record_change
from knowledge_base.services.revision import bump_revision, current_revision


def test_migrations_match_models(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_revision_increases_and_audit_is_kept(session_factory: SessionFactory) -> None:
    with session_factory.begin() as session:
        assert current_revision(session) == 0
        document = Document(
            slug="07-2021-tt",
            number="07/2021/TT-BLĐTBXH",
            kind=DocumentKind.LEGAL,
            doc_type="Thông tư",
            title="Hướng dẫn rà soát hộ nghèo",
        )
        document.passages.append(Passage(locator="Điều 1", text="Hộ nghèo là ...", order=0))
        session.add(document)
        assert bump_revision(session) == 1
        record_change(
            session,
            actor="officer1",
            action="create",
            entity_type="document",
            entity_id=document.slug,
            after={"title": document.title},
        )
    with session_factory() as session:
        assert current_revision(session) == 1
        stored = session.scalars(select(Document)).one()
        assert [p.locator for p in stored.passages] == ["Điều 1"]
        audit = session.scalars(select(AuditLog)).one()
        assert (audit.actor, audit.action, audit.after) == (
            "officer1",
            "create",
            {"title": "Hướng dẫn rà soát hộ nghèo"},
        )


def test_deleting_a_document_removes_its_passages(session_factory: SessionFactory) -> None:
    with session_factory.begin() as session:
        document = Document(slug="x", kind=DocumentKind.NEWS, doc_type="Tin bài", title="Tin")
        document.passages.append(Passage(locator="Đoạn 1", text="...", order=0))
        session.add(document)
    with session_factory.begin() as session:
        session.delete(session.scalars(select(Document)).one())
    with session_factory() as session:
        assert session.scalars(select(Passage)).all() == []
