"""Officers' work on documents: find them, correct their metadata, retire them, see where answers cited them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge_base.models import Document, DocumentStatus, Message, Passage
from knowledge_base.services.audit import record_change
from knowledge_base.services.revision import bump_revision
from nlu.diacritics import strip_diacritics
from nlu.normalize import fold

EDITABLE = ("number", "title", "issuer", "issued_on", "effective_from", "effective_until", "status",
            "superseded_by", "period", "province", "note")


class DocumentError(ValueError):
    """A change the service refuses; the message is Vietnamese and can be shown as is."""


@dataclass(frozen=True)
class DocumentFilters:
    text: str = ""
    doc_type: str = ""
    status: str = ""
    period: str = ""
    province: str = ""
    include_retired: bool = True


def snapshot(document: Document) -> dict[str, Any]:
    """The metadata the audit log keeps before and after a change."""
    values: dict[str, Any] = {name: getattr(document, name) for name in EDITABLE}
    values["status"] = document.status.value
    values["retired"] = document.retired
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def find_documents(session: Session, filters: DocumentFilters, *, limit: int = 200) -> list[tuple[Document, int]]:
    """Documents matching the filters, newest first, each with its passage count."""
    counts = (select(Passage.document_id, func.count().label("n")).group_by(Passage.document_id).subquery())
    query = select(Document, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.document_id == Document.id)
    if filters.doc_type:
        query = query.where(Document.doc_type == filters.doc_type)
    if filters.status == "retired":
        query = query.where(Document.retired.is_(True))
    elif filters.status:
        query = query.where(Document.status == DocumentStatus(filters.status))
    if filters.period:
        query = query.where(Document.period == filters.period)
    if filters.province:
        query = query.where(Document.province == filters.province)
    if not filters.include_retired:
        query = query.where(Document.retired.is_(False))
    query = query.order_by(Document.issued_on.desc().nulls_last(), Document.id.desc())
    needle = _plain(filters.text)
    found = []
    for document, count in session.execute(query):
        haystack = _plain(" ".join(v for v in (document.number, document.title, document.issuer) if v))
        if needle in haystack:
            found.append((document, int(count)))
            if len(found) >= limit:
                break
    return found


def _plain(text: str) -> str:
    """Case- and accent-free, so "cao bang" finds "Cao Bằng" (SQLite's lower() leaves Vietnamese letters alone)."""
    return " ".join(strip_diacritics(fold(text)).split())


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values officers can filter on, as they occur in the knowledge base."""
    def distinct(column: Any) -> list[str]:
        return [v for v in session.scalars(select(column).distinct().order_by(column)) if v]
    return {"doc_type": distinct(Document.doc_type), "period": distinct(Document.period),
            "province": distinct(Document.province)}


def _parse_date(value: str, label: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise DocumentError(f"{label}: ngày không hợp lệ «{value}» (cần dạng năm-tháng-ngày).") from error


def update_metadata(session: Session, document_id: int, form: dict[str, str], *, actor: str,
                    actor_id: int | None) -> Document:
    """Apply an officer's corrections; a change bumps the knowledge-base revision (answers show the metadata)."""
    document = session.get(Document, document_id)
    if document is None:
        raise DocumentError("Không tìm thấy văn bản.")
    before = snapshot(document)
    title = form.get("title", document.title).strip()
    if not title:
        raise DocumentError("Tên văn bản không được để trống.")
    try:
        status = DocumentStatus(form.get("status", document.status.value))
    except ValueError as error:
        raise DocumentError("Tình trạng hiệu lực không hợp lệ.") from error
    superseded_by = form.get("superseded_by", "").strip() or None
    if status is DocumentStatus.SUPERSEDED and not superseded_by:
        raise DocumentError("Văn bản đã bị thay thế cần ghi số văn bản thay thế.")
    document.number = form.get("number", "").strip() or None
    document.title = title
    document.issuer = form.get("issuer", "").strip() or None
    document.issued_on = _parse_date(form.get("issued_on", ""), "Ngày ban hành")
    document.effective_from = _parse_date(form.get("effective_from", ""), "Ngày có hiệu lực")
    document.effective_until = _parse_date(form.get("effective_until", ""), "Ngày hết hiệu lực")
    if document.effective_from and document.effective_until and document.effective_until < document.effective_from:
        raise DocumentError("Ngày hết hiệu lực phải sau ngày có hiệu lực.")
    document.status = status
    document.superseded_by = superseded_by
    document.period = form.get("period", "").strip() or None
    document.province = form.get("province", "").strip() or None
    document.note = form.get("note", "").strip() or None
    after = snapshot(document)
    if after == before:
        return document
    document.kb_revision = bump_revision(session)
    record_change(session, actor=actor, actor_id=actor_id, action="update", entity_type="document",
                  entity_id=document.id, summary=f"Sửa thông tin văn bản {document.label}", before=before, after=after)
    return document


def set_retired(session: Session, document_id: int, retired: bool, *, actor: str, actor_id: int | None) -> Document:
    """Retire (never served, kept for history and citations) or bring back a document."""
    document = session.get(Document, document_id)
    if document is None:
        raise DocumentError("Không tìm thấy văn bản.")
    if document.retired == retired:
        return document
    before = snapshot(document)
    document.retired = retired
    document.kb_revision = bump_revision(session)
    record_change(session, actor=actor, actor_id=actor_id, action="retire" if retired else "restore",
                  entity_type="document", entity_id=document.id,
                  summary=f"{'Ngừng dùng' if retired else 'Dùng lại'} văn bản {document.label}",
                  before=before, after=snapshot(document))
    return document


def recent_citing_messages(session: Session, document: Document, *, limit: int = 20) -> list[Message]:
    """The latest answers whose citations name this document (scanned from the newest answered messages)."""
    label = document.label
    passage_ids = set(session.scalars(select(Passage.id).where(Passage.document_id == document.id)))
    found: list[Message] = []
    rows = session.scalars(select(Message).where(Message.decision == "answered").order_by(Message.id.desc())
                           .limit(5000))
    for message in rows:
        for citation in message.citations or []:
            if citation.get("document") == label or citation.get("passage_id") in passage_ids:
                found.append(message)
                break
        if len(found) >= limit:
            break
    return found


def search_passages(session: Session, text: str, *, limit: int = 15) -> list[Passage]:
    """Passages whose text or locator contains ``text``, or of the document with that number (to choose FAQ
    citations); a document's title is not searched, or every passage of it would match."""
    pattern = f"%{text.strip().lower()}%"
    query = (select(Passage).join(Document).where(Document.retired.is_(False))
             .where(or_(func.lower(Passage.text).like(pattern), func.lower(Passage.locator).like(pattern),
                        func.lower(Document.number).like(pattern)))
             .order_by(Document.id, Passage.order).limit(limit))
    return list(session.scalars(query))
