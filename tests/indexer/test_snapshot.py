"""Snapshots on a small knowledge base (SQLite and PostgreSQL): build, status, incremental update, failed builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from indexer.bm25 import LexicalIndex
from indexer.contracts import Query, SearchFilters
from indexer.embedders import Embedder
from indexer.retriever import LiveIndex, Retriever
from indexer.snapshot import BM25_PLAIN, POINTER, SnapshotError, build_index, index_status, live_snapshot
from knowledge_base.db import SessionFactory
from knowledge_base.models import DocumentStatus, Faq, FaqStatus, Passage
from knowledge_base.services.revision import bump_revision
from tests.indexer.conftest import add_document

ELECTRICITY = [
    "Hộ nghèo được hỗ trợ tiền điện sinh hoạt hằng tháng tương đương 30 kWh điện.",
    "Hộ chính sách xã hội được hỗ trợ tiền điện nếu lượng điện sử dụng không quá 50 kWh mỗi tháng.",
]
SCHOOL = [
    "Học sinh thuộc hộ nghèo được miễn học phí và hỗ trợ chi phí học tập 150.000 đồng mỗi tháng.",
    "Sinh viên thuộc hộ cận nghèo được vay vốn tín dụng ưu đãi để trang trải chi phí học đại học.",
    "Trẻ em mẫu giáo ở thôn đặc biệt khó khăn được hỗ trợ tiền ăn trưa.",
]


def _small_kb(session_factory: SessionFactory) -> None:
    with session_factory() as session, session.begin():
        add_document(session, "tt-dien", ELECTRICITY, title="Thông tư hỗ trợ tiền điện cho hộ nghèo")
        add_document(session, "tt-hoc", SCHOOL, title="Thông tư hỗ trợ giáo dục", status=DocumentStatus.EXPIRED)
        session.add(Faq(slug="faq-dien", questions=["Hộ nghèo có được hỗ trợ tiền điện không?"],
                        answer="Có, tương đương 30 kWh mỗi tháng.", status=FaqStatus.PUBLISHED))
        session.add(Faq(slug="faq-nhap", questions=["Câu hỏi nháp về tiền điện?"], answer="Nháp.",
                        status=FaqStatus.DRAFT))


def test_build_makes_a_live_snapshot_with_manifest(session_factory: SessionFactory, tmp_path: Path,
                                                   embedder: Embedder) -> None:
    _small_kb(session_factory)
    assert index_status(session_factory, tmp_path).stale

    manifest = build_index(session_factory, tmp_path, embedder)

    assert (manifest.revision, manifest.passages, manifest.faqs, manifest.embedded) == (2, 5, 1, 6)
    assert manifest.model_id == embedder.model_id
    snapshot = live_snapshot(tmp_path)
    assert snapshot == tmp_path / "2"
    assert (snapshot / "manifest.json").is_file()
    status = index_status(session_factory, tmp_path)
    assert (status.live, status.revision, status.kb_revision, status.stale) == (True, 2, 2, False)

    retriever = Retriever.load(snapshot, embedder)
    hits = retriever.search(Query("học sinh nghèo có được miễn học phí không"), k=3)
    assert hits[0].text == SCHOOL[0]
    assert hits[0].document.status == "expired"
    assert hits[0].locator == "Khoản 1 Điều 1"
    in_force = retriever.search(Query("miễn học phí", filters=SearchFilters(statuses=frozenset({"in_force"}))))
    assert in_force
    assert all(hit.document.status == "in_force" for hit in in_force)
    faq = retriever.search_faq(Query("ho ngheo co duoc ho tro tien dien khong"))
    assert [hit.matched_question for hit in faq] == ["Hộ nghèo có được hỗ trợ tiền điện không?"]


def test_editing_one_document_reembeds_only_its_passages(session_factory: SessionFactory, tmp_path: Path,
                                                         embedder: Embedder) -> None:
    _small_kb(session_factory)
    build_index(session_factory, tmp_path, embedder)
    with session_factory() as session, session.begin():
        passage = session.scalars(select(Passage).where(Passage.text == ELECTRICITY[0])).one()
        passage.text = "Hộ nghèo được hỗ trợ tiền điện sinh hoạt hằng tháng tương đương 45 kWh, trả qua bưu điện."
        bump_revision(session)
    status = index_status(session_factory, tmp_path)
    assert (status.stale, status.revision, status.kb_revision) == (True, 2, 3)

    manifest = build_index(session_factory, tmp_path, embedder)

    assert (manifest.revision, manifest.embedded) == (3, 1)
    retriever = Retriever.load(tmp_path / "3", embedder)
    hits = retriever.search(Query("hộ nghèo được hỗ trợ bao nhiêu kWh điện, nhận qua bưu điện"), k=5)
    assert "45 kWh" in hits[0].text
    assert all(hit.text != ELECTRICITY[0] for hit in hits)


def test_interrupted_build_keeps_the_live_snapshot(session_factory: SessionFactory, tmp_path: Path,
                                                   embedder: Embedder) -> None:
    _small_kb(session_factory)
    build_index(session_factory, tmp_path, embedder)
    live = LiveIndex(tmp_path, embedder, check_every=0)
    with session_factory() as session, session.begin():
        add_document(session, "tt-moi", ["Người lao động thuộc hộ nghèo được hỗ trợ đào tạo nghề ngắn hạn."])

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(session_factory, tmp_path, embedder, on_progress=interrupt)

    assert live_snapshot(tmp_path) == tmp_path / "2"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]
    assert live.current().revision == 2
    assert live.current().search(Query("miễn học phí"), k=1)[0].text == SCHOOL[0]

    build_index(session_factory, tmp_path, embedder)
    assert live.current().revision == 3
    assert "đào tạo nghề" in live.current().search(Query("học nghề cho người nghèo"), k=1)[0].text


def test_damaged_new_snapshot_is_not_served(session_factory: SessionFactory, tmp_path: Path,
                                            embedder: Embedder) -> None:
    _small_kb(session_factory)
    build_index(session_factory, tmp_path, embedder)
    live = LiveIndex(tmp_path, embedder, check_every=0)
    damaged = tmp_path / "2-damaged"
    shutil.copytree(tmp_path / "2", damaged)
    (damaged / "dense.faiss").write_bytes(b"not a faiss index")
    (tmp_path / POINTER).write_text(damaged.name)

    with pytest.raises(SnapshotError, match="hỏng"):
        Retriever.load(damaged, embedder)
    assert live.current().snapshot_dir == tmp_path / "2"
    assert live.last_error is not None


def test_codes_and_amounts_typed_without_accents_match_passage_terms(session_factory: SessionFactory,
                                                                     tmp_path: Path, embedder: Embedder) -> None:
    """Accent-free query terms are made like passage terms, so "07/2021/ND-CP" and "1.500.000" still match."""
    coded = "Theo Nghị định 07/2021/NĐ-CP, mức hỗ trợ là 1.500.000 đồng mỗi người."
    with session_factory() as session, session.begin():
        add_document(session, "nd-ma", [coded, *ELECTRICITY, *SCHOOL])
    snapshot = build_index(session_factory, tmp_path, embedder) and live_snapshot(tmp_path)
    assert snapshot is not None
    retriever = Retriever.load(snapshot, embedder)
    plain = LexicalIndex.load(snapshot / BM25_PLAIN, 1 + len(ELECTRICITY) + len(SCHOOL))
    rows = {passage.text: row for row, passage in enumerate(retriever.passages)}
    for typed in ("07/2021/ND-CP", "muc 1.500.000 dong"):
        _, terms = retriever.prepare(Query(typed))
        scores = plain.scores(terms)
        assert scores.argmax() == rows[coded], (typed, terms)
        assert scores[rows[coded]] > 0
