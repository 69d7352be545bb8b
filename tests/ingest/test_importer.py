"""The importer against real databases (SQLite and PostgreSQL): whole catalogue, re-import, versions, failures."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.db import SessionFactory
from knowledge_base.ingest.catalog import CatalogEntry
from knowledge_base.ingest.parsed import ParsedDocument
from knowledge_base.models import AuditLog, Document, DocumentStatus, DocumentVersion, Passage
from knowledge_base.services.importer import ImportResult, import_catalog, import_paths
from knowledge_base.services.revision import current_revision

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@dataclass(frozen=True)
class Snapshot:
    """Everything an import may touch, in comparable form."""

    revision: int
    documents: list[tuple[object, ...]]
    passages: list[tuple[object, ...]]
    versions: int
    audit: int


def snapshot(session: Session) -> Snapshot:
    documents = session.execute(select(Document.id, Document.slug, Document.version, Document.content_hash,
                                       Document.kb_revision).order_by(Document.id))
    passages = session.execute(select(Passage.id, Passage.document_id, Passage.locator, Passage.text)
                               .order_by(Passage.id))
    return Snapshot(
        revision=current_revision(session),
        documents=[tuple(row) for row in documents],
        passages=[tuple(row) for row in passages],
        versions=session.scalar(select(func.count(DocumentVersion.id))) or 0,
        audit=session.scalar(select(func.count(AuditLog.id))) or 0,
    )


def test_whole_catalogue_imports_then_reimports_unchanged(
    session_factory: SessionFactory, catalog_path: Path, parsed: dict[str, ParsedDocument]
) -> None:
    seen: list[ImportResult] = []
    results = import_catalog(session_factory, catalog_path, on_progress=seen.append)
    assert [r.status for r in results] == ["created"] * 10
    assert seen == results
    with session_factory() as session:
        documents = session.scalars(select(Document)).all()
        assert len(documents) == 10
        assert current_revision(session) == 10
        by_slug = {d.slug: d for d in documents}
        vbhn = by_slug["1315/VBHN-BLĐTBXH"]
        expected = next(doc for name, doc in parsed.items() if "VBHN-1315" in name)
        assert [p.locator for p in vbhn.passages] == [p.locator for p in expected.passages]
        assert vbhn.version == 1
        assert vbhn.versions[0].passage_count == len(expected.passages)
        assert by_slug["1676/VBHN-BLĐTBXH"].status == DocumentStatus.SUPERSEDED
        assert by_slug["news/cao-bang-thong-tin-co-so"].province == "Cao Bằng"
        assert session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "import")) == 10
        before = snapshot(session)

    again = import_catalog(session_factory, catalog_path)
    assert [r.status for r in again] == ["unchanged"] * 10
    assert [r.passages for r in again] == [r.passages for r in results]
    with session_factory() as session:
        assert snapshot(session) == before


def _entry(catalog: list[CatalogEntry], name: str) -> CatalogEntry:
    return next(entry for entry in catalog if entry.file.name == name)


def test_changed_file_becomes_a_new_version(
    session_factory: SessionFactory, catalog: list[CatalogEntry], tmp_path: Path
) -> None:
    entry = _entry(catalog, "cao-bang-thong-tin-co-so.txt")
    path = tmp_path / entry.file.name
    shutil.copy(entry.file, path)
    [first] = import_paths(session_factory, [path], metadata=entry)
    assert first.status == "created"
    addition = ("\n\nNăm 2025, tỉnh tiếp tục hỗ trợ 500 hộ nghèo ở vùng sâu, vùng xa được tiếp cận Internet "
                "băng rộng và được hướng dẫn sử dụng các dịch vụ công trực tuyến thiết yếu.\n")
    page = path.read_text(encoding="utf-8")
    path.write_text(page.replace("\nLan Hương\n", addition + "\nLan Hương\n"), encoding="utf-8")  # before the byline
    [second] = import_paths(session_factory, [path], metadata=entry, actor="can-bo-a")
    assert second.status == "updated"
    assert second.slug == first.slug == "news/cao-bang-thong-tin-co-so"
    with session_factory() as session:
        document = session.scalars(select(Document)).one()
        assert document.version == 2
        assert [v.version for v in document.versions] == [1, 2]
        assert "500 hộ nghèo" not in document.versions[0].text
        assert "500 hộ nghèo" in document.versions[1].text
        assert any("500 hộ nghèo" in p.text for p in document.passages)
        assert session.scalar(select(func.count(Passage.id))) == second.passages
        assert current_revision(session) == 2
        assert {p.kb_revision for p in document.passages} == {2}
        update = session.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
        assert update.actor == "can-bo-a"
        assert update.entity_id == str(document.id)


def test_corrupted_file_changes_nothing_while_others_import(
    session_factory: SessionFactory, catalog: list[CatalogEntry], tmp_path: Path
) -> None:
    legal = _entry(catalog, "TT-11-2022-TT-BLDTBXH_ho-tro-viec-lam-ben-vung-CTMTQG-GNBV.txt")
    path = tmp_path / legal.file.name
    shutil.copy(legal.file, path)
    assert import_paths(session_factory, [path], metadata=legal)[0].status == "created"
    with session_factory() as session:
        before = snapshot(session)

    path.write_bytes(bytes(range(128, 256)) * 40)  # the same file, now undecodable
    broken_docx = tmp_path / "hong.docx"
    broken_docx.write_bytes(b"PK\x03\x04 not a zip")
    news = _entry(catalog, "quang-tri-truyen-thanh-thong-minh.txt")
    results = import_paths(session_factory, [path, broken_docx, FIXTURES / "thong-tu-mau.md", news.file])
    assert [r.status for r in results] == ["failed", "failed", "created", "created"]
    assert path.name in (results[0].error or "")
    assert "bảng mã" in (results[0].error or "")
    assert "hong.docx" in (results[1].error or "")
    with session_factory() as session:
        after = snapshot(session)
        kept = session.scalars(select(Document).where(Document.number == "11/2022/TT-BLĐTBXH")).one()
        assert kept.version == 1
    assert after.documents[: len(before.documents)] == before.documents
    assert [p for p in after.passages if p[1] == kept.id] == before.passages
    assert after.revision == before.revision + 2
    assert after.versions == before.versions + 2


def test_files_without_metadata_get_number_and_title_from_the_text(
    session_factory: SessionFactory, catalog: list[CatalogEntry]
) -> None:
    legal = _entry(catalog, "TT-11-2022-TT-BLDTBXH_ho-tro-viec-lam-ben-vung-CTMTQG-GNBV.txt")
    results = import_paths(session_factory, [legal.file, FIXTURES / "thong-tu-mau.md", FIXTURES / "tin-bai.html"])
    assert [(r.status, r.number, r.slug) for r in results] == [
        ("created", "11/2022/TT-BLĐTBXH", "11/2022/TT-BLĐTBXH"),
        ("created", None, "doc/thong-tu-mau"),
        ("created", None, "doc/tin-bai"),
    ]
    with session_factory() as session:
        documents = {d.slug: d for d in session.scalars(select(Document))}
        tt11 = documents["11/2022/TT-BLĐTBXH"]
        assert (tt11.kind.value, tt11.doc_type) == ("legal", "Thông tư")
        assert tt11.title.startswith("Thông tư hướng dẫn một số nội dung thực hiện hỗ trợ việc làm bền vững")
        assert documents["doc/thong-tu-mau"].title == "Thông tư hướng dẫn thí điểm hỗ trợ giảm nghèo về thông tin"
        news = documents["doc/tin-bai"]
        assert (news.kind.value, news.doc_type) == ("news", "Tin bài")
        assert news.title == "Giảm nghèo về thông tin ở xã vùng cao"


def test_metadata_only_placeholder_is_filled(session_factory: SessionFactory, catalog: list[CatalogEntry]) -> None:
    entry = _entry(catalog, "VBHN-1676-BLDTBXH-2023_TT-09-2022-TT-BLDTBXH_da-dang-hoa-sinh-ke.txt")
    with session_factory() as session, session.begin():
        placeholder = Document(slug="1676/VBHN-BLĐTBXH", number="1676/VBHN-BLĐTBXH", kind="legal",
                               doc_type="Văn bản hợp nhất", title="(chưa nhập)", version=0)
        session.add(placeholder)
        session.flush()
        placeholder_id = placeholder.id
    [result] = import_paths(session_factory, [entry.file], metadata=entry)
    assert result.status == "created"
    with session_factory() as session:
        document = session.scalars(select(Document)).one()
        assert document.id == placeholder_id
        assert document.version == 1
        assert document.title == entry.title
        assert len(document.passages) == result.passages


def test_metadata_change_alone_updates_without_a_new_version(
    session_factory: SessionFactory, catalog: list[CatalogEntry]
) -> None:
    entry = _entry(catalog, "TT-03-2024-TT-BLDTBXH_da-dang-hoa-sinh-ke-mo-hinh-giam-ngheo.txt")
    import_paths(session_factory, [entry.file], metadata=entry)
    amended = entry.model_copy(update={"status": "amended"})
    [result] = import_paths(session_factory, [entry.file], metadata=amended)
    assert result.status == "updated"
    with session_factory() as session:
        document = session.scalars(select(Document)).one()
        assert (document.status, document.version, len(document.versions)) == (DocumentStatus.AMENDED, 1, 1)
        assert current_revision(session) == 2
