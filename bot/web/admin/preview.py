"""Preview how Loa would answer a question if a draft FAQ entry were published, with the real engine's parts:
the live index's retrieval, the engine's calibrated ``decide`` and its ``AnswerEngine.outcome`` composer.

The draft is scored the way the index scores a published entry (the dense cosine between the question's query
embedding and each phrasing's passage embedding) and competes with the published entries and passages the live
index returns. Nothing is logged and nothing reaches the review inbox.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.engine.answer_engine import FAQ_K, PASSAGE_K, valid_faqs
from bot.engine.compose import FaqAnswer, format_date
from bot.engine.contracts import Citation, Decision
from bot.engine.decide import confidence, decide
from bot.web.admin.console import ConsoleRuntime
from indexer.contracts import FaqHit, Query
from indexer.snapshot import SnapshotError
from knowledge_base.models import Passage
from knowledge_base.services.faqs import FaqDraft
from nlu.normalize import normalize_text

DRAFT_ID = -1
DECISION_LABELS_VI = {Decision.ANSWERED: "trả lời", Decision.CLARIFY: "hỏi lại «Ý bạn là…?»",
                      Decision.REFUSED: "từ chối và đề nghị chuyển cán bộ", Decision.HANDOFF: "chuyển cán bộ",
                      Decision.SMALLTALK: "trò chuyện"}


@dataclass(frozen=True)
class Preview:
    decision: Decision
    uses_draft: bool
    text: str
    draft_score: float
    matched_phrasing: str
    threshold: float
    best_other: str | None
    """What answers instead of the draft (another FAQ entry or a passage), with its score."""
    error: str | None = None

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS_VI[self.decision]


def _draft_answer(runtime: ConsoleRuntime, draft: FaqDraft, faq_id: int | None) -> FaqAnswer:
    citations = []
    with runtime.session_factory() as session:
        for passage_id in draft.passage_ids:
            passage = session.get(Passage, passage_id)
            if passage is None:
                continue
            document = passage.document
            citations.append(Citation(document=document.label, locator=passage.locator, issuer=document.issuer,
                                      issued_on=format_date(document.issued_on), status=str(document.status),
                                      url=document.source_url, passage_id=passage.id))
    return FaqAnswer(faq_id if faq_id is not None else DRAFT_ID, draft.answer, draft.next_step or None, None,
                     tuple(citations))


def preview(runtime: ConsoleRuntime, question: str, draft: FaqDraft, *, faq_id: int | None = None) -> Preview:
    """``faq_id``: the entry being edited (its published version, if any, is replaced by the draft)."""
    thresholds = runtime.engine.thresholds
    try:
        retriever = runtime.index.current()
    except SnapshotError as error:
        return Preview(Decision.REFUSED, False, "", 0.0, "", thresholds.faq_min, None,
                       f"Chưa có chỉ mục để thử: {error}")
    understanding = runtime.understander.understand(question)
    normalized = understanding.normalized or question
    provinces = tuple(e.value for e in understanding.entities if e.type == "province")
    query = Query(text=normalized, variants=(question,) if question != normalized else ())
    hits = tuple(retriever.search(query, PASSAGE_K))
    faq_hits = [f for f in retriever.search_faq(query, FAQ_K) if f.faq_id != faq_id]
    accented, _ = retriever.prepare(query)
    query_vector = runtime.embedder.embed_queries([accented])[0]
    phrasings = [normalize_text(q) for q in draft.questions]
    scores = np.asarray(runtime.embedder.embed_passages(phrasings)) @ np.asarray(query_vector)
    best = int(np.argmax(scores))
    draft_answer = _draft_answer(runtime, draft, faq_id)
    draft_hit = FaqHit(draft_answer.faq_id, float(scores[best]), draft.questions[best],
                       {"dense": float(scores[best])})
    with runtime.session_factory() as session:
        valid = valid_faqs(session, faq_hits, runtime.engine.today())
    valid[draft_answer.faq_id] = draft_answer
    candidates = [f for f in faq_hits if f.faq_id in valid] + [draft_hit]
    verdict = decide(candidates, hits, thresholds)
    score, phrasing = float(scores[best]), draft.questions[best]
    outcome = runtime.engine.outcome(verdict, hits, (normalized, question), provinces, valid)
    text = outcome.text if verdict.decision is Decision.ANSWERED else ""
    if verdict.faq is not None:
        uses_draft = verdict.faq.faq_id == draft_answer.faq_id
        other = None if uses_draft else f"câu hỏi thường gặp số {verdict.faq.faq_id} ({confidence(verdict.faq):.2f})"
        return Preview(verdict.decision, uses_draft, text, score, phrasing, thresholds.faq_min, other)
    other = None
    if hits:
        top = hits[0]
        other = f"{top.locator} {top.document.number or top.document.title} ({confidence(top):.2f})"
    return Preview(verdict.decision, False, text, score, phrasing, thresholds.faq_min, other)
