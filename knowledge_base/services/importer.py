"""Importing officers' files into the knowledge base: one transaction per document, history kept.

- An unchanged file (same parsed content, same metadata) changes nothing: no write, no revision bump, even when
  it is imported from another folder.
- Changed text creates a new ``DocumentVersion``, replaces the passages, bumps the knowledge-base revision
  and writes an audit-log row; changed metadata alone updates the document the same way, without a version.
- A file that cannot be read or parsed is reported (``failed`` with the reason) before any write, and its
  transaction is rolled back on any later error, so the database stays exactly as it was for that file.

Documents are found again by slug (the number for legal texts, ``news/<file name>`` for news, as the
starter knowledge names them), then by number, then by source file; the starter's metadata-only
placeholders are filled in the first time their file is imported.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge_base.db import SessionFactory
from knowledge_base.ingest.catalog import CatalogEntry, guess_kind, load_catalog
from knowledge_base.ingest.formats import read_text
from knowledge_base.ingest.legal import parse_legal
from knowledge_base.ingest.metadata import ProposedMetadata, propose_metadata
from knowledge_base.ingest.news import parse_news
from knowledge_base.ingest.parsed import IngestError, ParsedDocument
from knowledge_base.models import Document, DocumentKind, DocumentStatus, DocumentVersion, FaqCitation, Passage
from knowledge_base.services.audit import record_change
from knowledge_base.services.revision import bump_revision

logger = logging.getLogger(__name__)

Status = Literal["created", "updated", "unchanged", "failed"]
Progress = Callable[["ImportResult"], None]


@dataclass(frozen=True)
class ImportResult:
    path: Path
    number: str | None
    slug: str
    status: Status
    passages: int
    error: str | None = None
    proposed: tuple[str, ...] = ()
    """Metadata read from the text because none was given ("số hiệu: …"), for the officer to check."""


def import_catalog(
    session_factory: SessionFactory, catalog_path: Path, *, actor: str = "cli", on_progress: Progress | None = None
) -> list[ImportResult]:
    """Import every document of a catalogue with its metadata; a broken catalogue raises ``IngestError``."""
    results = []
    for entry in load_catalog(catalog_path):
        result = _import_one(session_factory, entry.file, entry, actor)
        results.append(result)
        if on_progress is not None:
            on_progress(result)
    return results


def import_paths(
    session_factory: SessionFactory,
    paths: Sequence[Path],
    *,
    metadata: CatalogEntry | None = None,
    actor: str = "cli",
    on_progress: Progress | None = None,
) -> list[ImportResult]:
    """Import files; without ``metadata`` the kind, title, number and type are guessed from each text."""
    results = []
    for path in paths:
        entry = metadata.model_copy(update={"file": path}) if metadata is not None else None
        result = _import_one(session_factory, path, entry, actor)
        results.append(result)
        if on_progress is not None:
            on_progress(result)
    return results


def _import_one(session_factory: SessionFactory, path: Path, entry: CatalogEntry | None, actor: str) -> ImportResult:
    slug = _slug(path, entry, None)
    number = entry.number if entry is not None else None
    try:
        kind, parsed, raw = _parse(path, entry)
    except IngestError as error:
        return ImportResult(path, number, slug, "failed", 0, str(error))
    except Exception as error:  # a hostile or odd file must fail alone, never the batch (and nothing is written)
        logger.exception("parsing %s failed", path.name)
        reason = f"Không nhập được tệp «{path.name}»: không đọc được nội dung ({error.__class__.__name__})."
        return ImportResult(path, number, slug, "failed", 0, reason)
    proposal = propose_metadata(raw) if entry is None and kind == "legal" else None
    fields = _fields(path, entry, kind, parsed, proposal)
    slug = _slug(path, entry, fields["number"])
    try:
        with session_factory() as session, session.begin():
            status = _store(session, slug, fields, parsed, actor)
    except SQLAlchemyError as error:
        reason = f"Không lưu được tệp «{path.name}» vào kho kiến thức: {error.__class__.__name__}: {error}"
        return ImportResult(path, fields["number"], slug, "failed", 0, reason)
    proposed = tuple(proposal.described()) if proposal is not None and status != "unchanged" else ()
    return ImportResult(path, fields["number"], slug, status, len(parsed.passages), proposed=proposed)


def _parse(path: Path, entry: CatalogEntry | None) -> tuple[str, ParsedDocument, str]:
    """The kind, the parsed document and the raw text (whose header the metadata proposal reads)."""
    text = read_text(path)
    kind = entry.kind if entry is not None else guess_kind(text)
    try:
        return kind, parse_legal(text) if kind == "legal" else parse_news(text), text
    except IngestError as error:
        raise IngestError(path, error.reason) from error


def _slug(path: Path, entry: CatalogEntry | None, number: str | None) -> str:
    if number:
        return number
    kind = entry.kind if entry is not None else "doc"
    return f"{kind}/{path.stem}"


def _fields(path: Path, entry: CatalogEntry | None, kind: str, parsed: ParsedDocument,
            proposal: ProposedMetadata | None) -> dict[str, Any]:
    """The document's metadata: the catalogue's when given, otherwise what the text tells."""
    if entry is None:
        proposal = proposal or ProposedMetadata()
        return {
            "number": parsed.number or proposal.number, "kind": DocumentKind(kind),
            "doc_type": parsed.doc_type or ("Tin bài" if kind == "news" else "Văn bản"),
            "title": parsed.title or path.stem.replace("-", " ").replace("_", " "),
            "issuer": proposal.issuer, "issued_on": proposal.issued_on,
            "effective_from": proposal.effective_from, "period": None,
            "status": DocumentStatus.IN_FORCE, "superseded_by": None, "superseded_on": None,
            "amends": [], "consolidates": [], "replaces": [], "province": None, "year": None,
            "source_url": None, "source_file": str(path.resolve()),
        }
    return {
        "number": entry.number, "kind": DocumentKind(entry.kind), "doc_type": entry.type, "title": entry.title,
        "issuer": entry.issuer, "issued_on": entry.issued, "effective_from": entry.effective_from,
        "period": entry.period, "status": DocumentStatus(entry.status), "superseded_by": entry.superseded_by,
        "superseded_on": entry.superseded_on, "amends": list(entry.amends),
        "consolidates": list(entry.consolidates), "replaces": list(entry.replaces), "province": entry.province,
        "year": entry.year, "source_url": entry.source_url, "source_file": str(path.resolve()),
    }


def content_hash(parsed: ParsedDocument) -> str:
    """A fingerprint of everything stored from the text: cleaned text and passages (locators, headings)."""
    payload = json.dumps(
        [parsed.text, [[p.locator, list(p.heading_path), p.text] for p in parsed.passages]], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _find(session: Session, slug: str, fields: dict[str, Any]) -> Document | None:
    conditions = [Document.slug == slug, Document.source_file == fields["source_file"]]
    if fields["number"]:
        conditions.append(Document.number == fields["number"])
    candidates = session.scalars(select(Document).where(or_(*conditions))).all()
    for matches in (
        lambda d: d.slug == slug,
        lambda d: fields["number"] is not None and d.number == fields["number"],
        lambda d: d.source_file == fields["source_file"],
    ):
        found = next((document for document in candidates if matches(document)), None)
        if found is not None:
            return found
    return None


def _store(session: Session, slug: str, fields: dict[str, Any], parsed: ParsedDocument, actor: str) -> Status:
    digest = content_hash(parsed)
    document = _find(session, slug, fields)
    if document is None:
        document = Document(slug=slug, version=0, **fields)
        session.add(document)
        session.flush()
        _new_version(session, document, parsed, digest, fields["source_file"], actor)
        record_change(session, actor=actor, action="import", entity_type="document", entity_id=document.id,
                      summary=f"Nhập văn bản {document.label} ({len(parsed.passages)} đoạn)",
                      after=_audit_view(fields) | {"version": 1, "content_hash": digest})
        return "created"
    before = {name: getattr(document, name) for name in fields}
    text_changed = document.content_hash != digest
    metadata_changed = _comparable(before, moved_ok=True) != _comparable(fields, moved_ok=True)
    if not text_changed and not metadata_changed:
        return "unchanged"
    first_text = document.version == 0
    for name, value in fields.items():
        setattr(document, name, value)
    if text_changed:
        _new_version(session, document, parsed, digest, fields["source_file"], actor)
    else:
        document.kb_revision = bump_revision(session)
    changes = "văn bản mới" if first_text else "nội dung mới" if text_changed else "thông tin mô tả"
    record_change(session, actor=actor, action="import" if first_text else "update", entity_type="document",
                  entity_id=document.id,
                  summary=f"Nhập lại {document.label}: {changes} (phiên bản {document.version})",
                  before=_audit_view(before), after=_audit_view(fields) | {"version": document.version})
    return "created" if first_text else "updated"


def _new_version(
    session: Session, document: Document, parsed: ParsedDocument, digest: str, source: str, actor: str
) -> None:
    """Record the text as the next version, replace the passages and re-link FAQ citations by locator."""
    revision = bump_revision(session)
    document.version += 1
    document.content_hash = digest
    document.kb_revision = revision
    session.add(DocumentVersion(
        document_id=document.id, version=document.version, content_hash=digest, text=parsed.text,
        source_file=source, passage_count=len(parsed.passages), kb_revision=revision, imported_by=actor,
    ))
    document.passages.clear()
    session.flush()
    passages = [
        Passage(document_id=document.id, locator=p.locator, heading_path=list(p.heading_path), text=p.text,
                order=p.order, kb_revision=revision)
        for p in parsed.passages
    ]
    session.add_all(passages)
    session.flush()
    first_by_locator: dict[str, int] = {}
    for passage in passages:
        first_by_locator.setdefault(passage.locator, passage.id)
    orphans = session.scalars(select(FaqCitation).where(
        FaqCitation.document_id == document.id, FaqCitation.passage_id.is_(None), FaqCitation.locator.is_not(None)
    ))
    for citation in orphans:
        citation.passage_id = first_by_locator.get(citation.locator or "")


def _comparable(fields: dict[str, Any], *, moved_ok: bool = False) -> dict[str, Any]:
    """Field values without enums; with ``moved_ok`` the source path is left out, so the same file imported from
    another folder (the shipped corpus, then ``../shared/corpus``) is unchanged rather than updated."""
    return {name: (value.value if isinstance(value, DocumentKind | DocumentStatus) else value)
            for name, value in fields.items() if not (moved_ok and name == "source_file")}


def _audit_view(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, date) else value
            for name, value in _comparable(fields).items()}
