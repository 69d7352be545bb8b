"""What the console's home lists about freshness, on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from knowledge_base.db import SessionFactory
from knowledge_base.models import Document, DocumentKind, DocumentStatus, Faq, FaqCitation, FaqStatus
from knowledge_base.services.freshness import ended_topic_rule, freshness_report

TODAY = date(2026, 6, 15)


def _faq(slug: str, topic: str, *, until: date | None = None, start: date | None = None,
         status: FaqStatus = FaqStatus.PUBLISHED, cites: Document | None = None) -> Faq:
    faq = Faq(slug=slug, topic=topic, questions=[f"Câu hỏi {slug}?"], answer="Trả lời.", status=status,
              applies_from=start, applies_until=until)
    if cites is not None:
        faq.citations.append(FaqCitation(document=cites, label=cites.label))
    return faq


def test_report_lists_expiring_ended_bases_and_topic_gaps(session_factory: SessionFactory) -> None:
    with session_factory() as session, session.begin():
        old = Document(slug="09/2022/TT-X", number="09/2022/TT-X", kind=DocumentKind.LEGAL, doc_type="Thông tư",
                       title="Cũ", status=DocumentStatus.SUPERSEDED, superseded_by="03/2024/TT-X")
        ending = Document(slug="01/2026/TT-X", number="01/2026/TT-X", kind=DocumentKind.LEGAL, doc_type="Thông tư",
                          title="Sắp hết", effective_until=date(2026, 7, 31))
        later = Document(slug="02/2026/TT-X", number="02/2026/TT-X", kind=DocumentKind.LEGAL, doc_type="Thông tư",
                         title="Còn lâu", effective_until=date(2027, 12, 31))
        session.add_all([old, ending, later])
        session.add_all([
            _faq("sap-het", "a", until=date(2026, 8, 1)),
            _faq("con-lau", "a", until=date(2026, 12, 31)),
            _faq("dua-vao-van-ban-cu", "b", cites=old),
            _faq("het-roi", "c", until=date(2026, 1, 31)),
            _faq("het-lau-roi", "c", until=date(2025, 6, 30)),
            _faq("ban-nhap", "d", until=date(2026, 1, 31), status=FaqStatus.DRAFT),
            _faq("chua-den", "e", start=date(2027, 1, 1)),
        ])
    with session_factory() as session:
        report = freshness_report(session, TODAY)
    assert [(e.kind, e.label, e.ends_on) for e in report.expiring] == [
        ("document", "01/2026/TT-X", date(2026, 7, 31)), ("faq", "sap-het", date(2026, 8, 1))]
    assert [(b.faq_slug, b.document, b.reason) for b in report.ended_bases] == [
        ("dua-vao-van-ban-cu", "09/2022/TT-X", "đã bị thay thế bởi 03/2024/TT-X")]
    assert [(g.topic, g.last_entry, g.ended_on) for g in report.topic_gaps] == [
        ("c", "het-roi", date(2026, 1, 31)), ("e", "chua-den", None)]
    assert not report.empty


def test_ended_rule_only_when_nothing_on_the_topic_holds(session_factory: SessionFactory) -> None:
    with session_factory() as session, session.begin():
        alone = _faq("het-roi", "c", until=date(2026, 1, 31))
        replaced = _faq("cu", "a", until=date(2025, 12, 31))
        session.add_all([alone, replaced, _faq("moi", "a", start=date(2026, 1, 1)),
                         _faq("dang-dung", "b")])
        session.flush()
        ids = {faq.slug: faq.id for faq in (alone, replaced)}
    with session_factory() as session:
        ended = ended_topic_rule(session, [ids["het-roi"]], TODAY)
        assert ended is not None
        assert (ended.topic, ended.ended_on) == ("c", date(2026, 1, 31))
        assert ended_topic_rule(session, [ids["cu"]], TODAY) is None
        assert ended_topic_rule(session, [], TODAY) is None
