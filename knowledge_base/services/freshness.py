"""Freshness of the knowledge an officer curates: what is about to end, what rests on an ended basis, and
topics where no published entry holds today.

- Expiring: published FAQ entries whose ``applies_until``, and documents (not retired) whose ``effective_until``,
  fall within the next ``horizon`` days.
- Ended basis: published entries that hold today but cite a document that is expired, superseded or past its
  ``effective_until``.
- Topics without a valid entry: topics whose published entries all ended (or all start later).
The answer engine asks ``ended_topic_rule`` about its best FAQ match, so that on such a topic it says the rule it
knows has ended instead of quoting it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from knowledge_base.models import Document, DocumentStatus, Faq, FaqCitation, FaqStatus

HORIZON_DAYS = 60


@dataclass(frozen=True)
class Expiring:
    kind: str
    """"faq" or "document"."""
    id: int
    label: str
    ends_on: date


@dataclass(frozen=True)
class EndedBasis:
    faq_id: int
    faq_slug: str
    document: str
    reason: str
    """In Vietnamese: "đã bị thay thế bởi …", "đã hết hiệu lực", "hết hiệu lực từ …"."""


@dataclass(frozen=True)
class TopicGap:
    topic: str
    last_entry: str
    ended_on: date | None
    """When the latest entry stopped applying (None when every entry starts later)."""


@dataclass(frozen=True)
class FreshnessReport:
    today: date
    expiring: tuple[Expiring, ...]
    ended_bases: tuple[EndedBasis, ...]
    topic_gaps: tuple[TopicGap, ...]

    @property
    def empty(self) -> bool:
        return not (self.expiring or self.ended_bases or self.topic_gaps)


@dataclass(frozen=True)
class EndedRule:
    """The entry the engine matched, on a topic where nothing holds today."""

    faq_id: int
    topic: str
    ended_on: date


def applies_on(faq: Faq, day: date) -> bool:
    return (faq.applies_from is None or faq.applies_from <= day) and (faq.applies_until is None or
                                                                       day <= faq.applies_until)


def freshness_report(session: Session, today: date, horizon_days: int = HORIZON_DAYS) -> FreshnessReport:
    horizon = today + timedelta(days=horizon_days)
    faqs = session.scalars(
        select(Faq).where(Faq.status == FaqStatus.PUBLISHED)
        .options(joinedload(Faq.citations).joinedload(FaqCitation.document)).order_by(Faq.slug)
    ).unique().all()
    expiring = [Expiring("faq", f.id, f.slug, f.applies_until) for f in faqs
                if f.applies_until is not None and today <= f.applies_until <= horizon]
    documents = session.scalars(
        select(Document).where(Document.retired.is_(False), Document.effective_until.is_not(None),
                               Document.effective_until >= today, Document.effective_until <= horizon)
    )
    expiring += [Expiring("document", d.id, d.label, d.effective_until) for d in documents
                 if d.effective_until is not None]
    ended = [basis for faq in faqs if applies_on(faq, today) for basis in _ended_bases(faq, today)]
    return FreshnessReport(today, tuple(sorted(expiring, key=lambda e: e.ends_on)), tuple(ended),
                           tuple(_topic_gaps(faqs, today)))


def ended_topic_rule(session: Session, faq_ids: Iterable[int], today: date) -> EndedRule | None:
    """The first of ``faq_ids`` (best match first) when it is published, no longer applies, and no published entry
    of its topic applies today; otherwise None."""
    first = next(iter(faq_ids), None)
    if first is None:
        return None
    faq = session.get(Faq, first)
    if faq is None or faq.status != FaqStatus.PUBLISHED or faq.topic is None or faq.applies_until is None or \
            faq.applies_until >= today:
        return None
    siblings = session.scalars(select(Faq).where(Faq.topic == faq.topic, Faq.status == FaqStatus.PUBLISHED))
    if any(applies_on(sibling, today) for sibling in siblings):
        return None
    return EndedRule(faq.id, faq.topic, faq.applies_until)


def _ended_bases(faq: Faq, today: date) -> Iterable[EndedBasis]:
    for citation in faq.citations:
        document = citation.document
        if document is None:
            continue
        if document.status is DocumentStatus.SUPERSEDED:
            reason = f"đã bị thay thế bởi {document.superseded_by}" if document.superseded_by else "đã bị thay thế"
        elif document.status is DocumentStatus.EXPIRED:
            reason = "đã hết hiệu lực"
        elif document.effective_until is not None and document.effective_until < today:
            reason = f"hết hiệu lực từ {document.effective_until:%d/%m/%Y}"
        else:
            continue
        yield EndedBasis(faq.id, faq.slug, document.label, reason)


def _topic_gaps(faqs: Iterable[Faq], today: date) -> Iterable[TopicGap]:
    by_topic: dict[str, list[Faq]] = defaultdict(list)
    for faq in faqs:
        if faq.topic:
            by_topic[faq.topic].append(faq)
    for topic, entries in sorted(by_topic.items()):
        if any(applies_on(entry, today) for entry in entries):
            continue
        ended = [entry for entry in entries if entry.applies_until is not None and entry.applies_until < today]
        latest = max(ended, key=lambda entry: entry.applies_until or today, default=entries[0])
        yield TopicGap(topic, latest.slug, latest.applies_until if ended else None)
