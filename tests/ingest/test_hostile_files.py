"""Hostile and broken .docx files: refused before parsing, each file failing alone with a reason, nothing written;
and the metadata proposed from a legal text imported without any."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from knowledge_base.db import SessionFactory
from knowledge_base.ingest.catalog import CatalogEntry
from knowledge_base.ingest.docx_safety import MAX_TOTAL_BYTES
from knowledge_base.ingest.formats import read_text
from knowledge_base.ingest.parsed import IngestError
from knowledge_base.models import AuditLog, Document
from knowledge_base.services.importer import import_paths
from knowledge_base.services.revision import current_revision

BODY = ("THÔNG TƯ\nHướng dẫn thí điểm hỗ trợ thông tin cho hộ nghèo\n"
        "Điều 1. Phạm vi điều chỉnh\nThông tư này hướng dẫn việc hỗ trợ hộ nghèo tiếp cận thông tin ở xã vùng cao.\n"
        "Điều 2. Đối tượng áp dụng\nHộ nghèo, hộ cận nghèo ở xã vùng cao và cán bộ văn hóa - thông tin cấp xã.\n"
        "Điều 3. Hiệu lực thi hành\nThông tư này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.")


def _real_docx() -> bytes:
    document = docx.Document()
    for line in BODY.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_part(source: bytes, name: str, write: object) -> bytes:
    """``source`` with part ``name`` replaced (or added) by what ``write(stream)`` writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in original.infolist():
            if item.filename != name:
                target.writestr(item, original.read(item))
        with target.open(name, "w", force_zip64=True) as stream:
            write(stream)  # type: ignore[operator]
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A real .docx plus one XML part of twice the cap of blanks: a few hundred KB on disk."""
    chunk = b" " * (1024 * 1024)

    def write(stream: io.BufferedIOBase) -> None:
        stream.write(b"<?xml version='1.0'?><a>")
        for _ in range(2 * MAX_TOTAL_BYTES // len(chunk)):
            stream.write(chunk)
        stream.write(b"</a>")

    return _with_part(_real_docx(), "word/bomb.xml", write)


def test_zip_bomb_is_refused_from_its_declared_size(tmp_path: Path) -> None:
    path = tmp_path / "bom.docx"
    path.write_bytes(_zip_bomb())
    assert path.stat().st_size < 2 * 1024 * 1024 < 2 * MAX_TOTAL_BYTES
    with pytest.raises(IngestError, match="zip bomb"):
        read_text(path)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
              b"<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>]><w:document>&lol2;</w:document>")
    path = tmp_path / "thuc-the.docx"
    path.write_bytes(_with_part(_real_docx(), "word/document.xml", lambda stream: stream.write(laughs)))
    with pytest.raises(IngestError, match="DOCTYPE"):
        read_text(path)


def test_a_real_docx_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "that.docx"
    path.write_bytes(_real_docx())
    assert "Phạm vi điều chỉnh" in read_text(path)


def test_batch_reports_every_file_and_saves_only_the_good_one(session_factory: SessionFactory,
                                                              tmp_path: Path) -> None:
    bomb = tmp_path / "bom.docx"
    bomb.write_bytes(_zip_bomb())
    malformed = tmp_path / "xml-hong.docx"
    malformed.write_bytes(_with_part(_real_docx(), "word/document.xml",
                                     lambda stream: stream.write(b"<w:document><w:body><w:p>")))
    good = tmp_path / "tot.docx"
    good.write_bytes(_real_docx())
    results = import_paths(session_factory, [bomb, malformed, good])
    assert [r.status for r in results] == ["failed", "failed", "created"]
    assert "zip bomb" in (results[0].error or "")
    assert "XML hỏng" in (results[1].error or "")
    with session_factory() as session:
        assert session.scalar(select(func.count(Document.id))) == 1
        assert session.scalar(select(func.count(AuditLog.id))) == 1


def test_blank_metadata_is_proposed_from_the_text(session_factory: SessionFactory, catalog: list[CatalogEntry],
                                                  tmp_path: Path) -> None:
    entry = next(e for e in catalog if e.number == "11/2022/TT-BLĐTBXH")
    [result] = import_paths(session_factory, [entry.file])
    assert result.status == "created"
    assert "hiệu lực từ: 15/08/2022" in result.proposed
    assert "ngày ban hành: 30/06/2022" in result.proposed
    with session_factory() as session:
        document = session.scalars(select(Document)).one()
        assert (document.issued_on, document.effective_from) == (entry.issued, entry.effective_from)
        assert document.issued_on == date(2022, 6, 30)
        assert document.issuer == "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
        revision = current_revision(session)
        audit = session.scalar(select(func.count(AuditLog.id)))

    copy = tmp_path / entry.file.name  # the same file again, from another folder (as an upload is)
    copy.write_bytes(entry.file.read_bytes())
    [again] = import_paths(session_factory, [copy])
    assert again.status == "unchanged"
    assert again.proposed == ()
    with session_factory() as session:
        assert current_revision(session) == revision
        assert session.scalar(select(func.count(AuditLog.id))) == audit
