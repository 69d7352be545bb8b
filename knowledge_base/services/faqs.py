"""FAQ entries written in the console: draft → published → retired, every change audited.

Publishing or retiring changes what citizens are told, so it bumps the knowledge-base revision (the index is
stale until rebuilt); editing a published entry does too. Drafts never reach citizens.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.models import Faq, FaqCitation, FaqStatus, Passage
from knowledge_base.services.audit import record_change
from knowledge_base.services.revision import bump_revision

STATUS_LABELS_VI = {FaqStatus.DRAFT: "bản nháp", FaqStatus.PUBLISHED: "đã xuất bản", FaqStatus.RETIRED: "đã ngừng dùng"}
TRANSITIONS = {
    FaqStatus.DRAFT: (FaqStatus.PUBLISHED, FaqStatus.RETIRED),
    FaqStatus.PUBLISHED: (FaqStatus.RETIRED, FaqStatus.DRAFT),
    FaqStatus.RETIRED: (FaqStatus.DRAFT,),
}


class FaqError(ValueError):
    """A change the service refuses; the message is Vietnamese and can be shown as is."""


@dataclass(frozen=True)
class FaqDraft:
    """What the console's form carries."""

    questions: tuple[str, ...]
    answer: str
    next_step: str = ""
    topic: str = ""
    passage_ids: tuple[int, ...] = ()

    @classmethod
    def from_form(cls, questions: str, answer: str, next_step: str = "", topic: str = "",
                  passage_ids: Sequence[int] = ()) -> FaqDraft:
        """``questions``: one phrasing per line."""
        phrasings = tuple(dict.fromkeys(line.strip() for line in questions.splitlines() if line.strip()))
        return cls(phrasings, answer.strip(), next_step.strip(), topic.strip(), tuple(dict.fromkeys(passage_ids)))

    def check(self) -> None:
        if not self.questions:
            raise FaqError("Cần ít nhất một cách hỏi.")
        if not self.answer:
            raise FaqError("Câu trả lời không được để trống.")


def snapshot(faq: Faq) -> dict[str, Any]:
    return {"questions": list(faq.questions), "answer": faq.answer, "next_step": faq.next_step, "topic": faq.topic,
            "status": faq.status.value,
            "citations": [f"{c.locator or ''} {c.label}".strip() for c in faq.citations]}


def get_faq(session: Session, faq_id: int) -> Faq:
    faq = session.scalar(select(Faq).where(Faq.id == faq_id).options(selectinload(Faq.citations)))
    if faq is None:
        raise FaqError("Không tìm thấy câu hỏi thường gặp.")
    return faq


def list_faqs(session: Session, *, status: str = "", text: str = "") -> list[Faq]:
    query = select(Faq).order_by(Faq.updated_at.desc(), Faq.id.desc())
    if status:
        query = query.where(Faq.status == FaqStatus(status))
    rows = list(session.scalars(query.limit(500)))
    needle = text.strip().lower()
    if needle:
        rows = [f for f in rows if needle in f.answer.lower() or any(needle in q.lower() for q in f.questions)]
    return rows


def _citations(session: Session, passage_ids: Sequence[int]) -> list[FaqCitation]:
    citations = []
    for passage_id in passage_ids:
        passage = session.get(Passage, passage_id)
        if passage is None:
            raise FaqError(f"Không tìm thấy đoạn văn số {passage_id} để trích dẫn.")
        citations.append(FaqCitation(document_id=passage.document_id, passage_id=passage.id, locator=passage.locator,
                                     label=passage.document.label, url=passage.document.source_url))
    return citations


def create_faq(session: Session, draft: FaqDraft, *, actor: str, actor_id: int | None) -> Faq:
    draft.check()
    faq = Faq(slug=f"officer/{uuid.uuid4().hex[:12]}", questions=list(draft.questions), answer=draft.answer,
              next_step=draft.next_step or None, topic=draft.topic or None, status=FaqStatus.DRAFT, origin="officer",
              author_id=actor_id, author_name=actor)
    faq.citations = _citations(session, draft.passage_ids)
    session.add(faq)
    session.flush()
    record_change(session, actor=actor, actor_id=actor_id, action="create", entity_type="faq", entity_id=faq.id,
                  summary=f"Tạo câu hỏi thường gặp «{draft.questions[0]}»", after=snapshot(faq))
    return faq


def update_faq(session: Session, faq_id: int, draft: FaqDraft, *, actor: str, actor_id: int | None) -> Faq:
    draft.check()
    faq = get_faq(session, faq_id)
    before = snapshot(faq)
    faq.questions = list(draft.questions)
    faq.answer = draft.answer
    faq.next_step = draft.next_step or None
    faq.topic = draft.topic or None
    if [c.passage_id for c in faq.citations] != list(draft.passage_ids):
        faq.citations = _citations(session, draft.passage_ids)
    session.flush()
    after = snapshot(faq)
    if after == before:
        return faq
    if faq.status is FaqStatus.PUBLISHED:
        faq.kb_revision = bump_revision(session)
    record_change(session, actor=actor, actor_id=actor_id, action="update", entity_type="faq", entity_id=faq.id,
                  summary=f"Sửa câu hỏi thường gặp «{faq.questions[0]}»", before=before, after=after)
    return faq


def add_phrasings(session: Session, faq_id: int, phrasings: Sequence[str], *, actor: str,
                  actor_id: int | None) -> Faq:
    """Teach an entry more ways of asking (from the review inbox)."""
    faq = get_faq(session, faq_id)
    known = {q.strip().lower() for q in faq.questions}
    new = [p.strip() for p in phrasings if p.strip() and p.strip().lower() not in known]
    if not new:
        return faq
    draft = FaqDraft(tuple(dict.fromkeys([*faq.questions, *new])), faq.answer, faq.next_step or "", faq.topic or "",
                     tuple(c.passage_id for c in faq.citations if c.passage_id is not None))
    return update_faq(session, faq_id, draft, actor=actor, actor_id=actor_id)


def set_status(session: Session, faq_id: int, status: FaqStatus, *, actor: str, actor_id: int | None) -> Faq:
    faq = get_faq(session, faq_id)
    if status is faq.status:
        return faq
    if status not in TRANSITIONS[faq.status]:
        raise FaqError(f"Không thể chuyển từ «{STATUS_LABELS_VI[faq.status]}» sang «{STATUS_LABELS_VI[status]}».")
    before = snapshot(faq)
    served_before = faq.status is FaqStatus.PUBLISHED
    faq.status = status
    if served_before or status is FaqStatus.PUBLISHED:
        faq.kb_revision = bump_revision(session)
    action = {FaqStatus.PUBLISHED: "publish", FaqStatus.RETIRED: "retire", FaqStatus.DRAFT: "unpublish"}[status]
    record_change(session, actor=actor, actor_id=actor_id, action=action, entity_type="faq", entity_id=faq.id,
                  summary=f"Chuyển «{faq.questions[0]}» sang {STATUS_LABELS_VI[status]}", before=before,
                  after=snapshot(faq))
    return faq
