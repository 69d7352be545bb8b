"""Decide, from retrieval results, whether to answer, ask "Ý bạn là…?", or refuse.

Inputs are the best FAQ matches (already filtered to entries published and valid today) and the best passages,
ranked by the retriever's fused score. Fused scores are relative (min-max normalised per signal), so they say
nothing about how good the best match is; confidence is the dense cosine between the question and the passage
(or the FAQ question), which is absolute.
- A FAQ answers first when its confidence reaches ``faq_min``, or reaches ``faq_floor`` and leads the best
  passage's by ``faq_lead`` (E5 puts any two questions on one topic near 0.9, so a FAQ must clearly win).
- Otherwise the best passage answers when its confidence reaches ``answer_min`` and no passage from another
  document near the top of the ranking has a confidence within ``clarify_margin`` of it (either side).
- When passages from two or three different documents are that close (and the best reaches ``answer_min``), the
  user is offered them as choices.
- Below ``answer_min``: refused.
The values come from ``bot/engine/calibrate.py`` on the dev questions; see CALIBRATION.md for the curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.contracts import Decision
from indexer.contracts import FaqHit, Hit

MAX_CHOICES = 3
CLARIFY_DEPTH = 5
"""Only passages this high in the fused ranking can be offered as choices."""
SMALLTALK_INTENTS = frozenset({"greet", "thanks", "goodbye", "bot_challenge", "help", "chitchat"})
ELIGIBILITY_MIN_CONFIDENCE = 0.7
"""Below this, a question near "có phải hộ nghèo không" is about a rule ("bé bị suy dinh dưỡng thì nhà có bị tính
thiếu hụt y tế không?", 0.47–0.54 on the dev questions) rather than a request for the self-check (0.92–1.0)."""


def intent_route(intent: str, confidence: float) -> str:
    """Where a fresh message goes by its intent: smalltalk, feedback, eligibility, strict (classified out of
    scope: retrieval with the strict bars) or policy (retrieval)."""
    if intent in SMALLTALK_INTENTS:
        return "smalltalk"
    if intent in ("feedback_positive", "feedback_negative"):
        return "feedback"
    if intent == "check_eligibility" and confidence >= ELIGIBILITY_MIN_CONFIDENCE:
        return "eligibility"
    if intent == "out_of_scope":
        return "strict"
    return "policy"


@dataclass(frozen=True)
class Thresholds:
    faq_min: float
    """A FAQ match this close answers whatever the passages say."""
    faq_floor: float
    faq_lead: float
    """A FAQ match of at least ``faq_floor`` also answers when it beats the best passage by ``faq_lead``."""
    answer_min: float
    clarify_margin: float
    confident: float
    """Answers below this are answered but also put in the review inbox as low confidence."""
    strict_faq_min: float
    strict_answer_min: float
    """The bars for a message the intent classifier took as out of scope: only a strong, specific match in the
    knowledge base overrules it (the classifier has never seen most of the knowledge base's topics)."""


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    confidence: float
    faq: FaqHit | None = None
    hits: tuple[Hit, ...] = ()
    """The passage answered from (one), or the clarification choices (2–3)."""
    low_confidence: bool = False


def confidence(hit: Hit | FaqHit) -> float:
    """The dense cosine of a match (0 when the dense signal did not return it)."""
    return float(hit.signals.get("dense", 0.0))


def distinct_documents(hits: Sequence[Hit]) -> list[Hit]:
    """The best hit of each document, in rank order."""
    seen: set[int] = set()
    out = []
    for hit in hits:
        if hit.document.id not in seen:
            seen.add(hit.document.id)
            out.append(hit)
    return out


def decide(
    faq_hits: Sequence[FaqHit], hits: Sequence[Hit], thresholds: Thresholds, *, strict: bool = False
) -> Verdict:
    """``strict``: the message was classified out of scope; answer only above the strict bars, never clarify."""
    faq_min = thresholds.strict_faq_min if strict else thresholds.faq_min
    answer_min = thresholds.strict_answer_min if strict else thresholds.answer_min
    best_faq = max(faq_hits, key=confidence, default=None)
    if best_faq is not None:
        faq_score = confidence(best_faq)
        passage_score = confidence(hits[0]) if hits else 0.0
        leads = faq_score >= thresholds.faq_floor and faq_score - passage_score >= thresholds.faq_lead
        if faq_score >= faq_min or (leads and not strict):
            return Verdict(Decision.ANSWERED, faq_score, faq=best_faq)
    if not hits:
        return Verdict(Decision.REFUSED, 0.0)
    best = hits[0]
    score = confidence(best)
    if score < answer_min:
        return Verdict(Decision.REFUSED, score)
    if strict:
        return Verdict(Decision.ANSWERED, score, hits=(best,), low_confidence=True)
    rivals = [
        hit
        for hit in distinct_documents(hits[:CLARIFY_DEPTH])[1:]
        if abs(score - confidence(hit)) <= thresholds.clarify_margin
    ]
    if rivals:
        return Verdict(Decision.CLARIFY, score, hits=(best, *rivals[: MAX_CHOICES - 1]))
    return Verdict(Decision.ANSWERED, score, hits=(best,), low_confidence=score < thresholds.confident)
