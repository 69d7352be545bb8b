"""The review inbox (grouping, states, ignore, link an FAQ, pre-filled new FAQ, replies) and analytics."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.review.queue import enqueue
from indexer.embedders import Embedder
from knowledge_base.db import SessionFactory
from knowledge_base.models import (
    AuditLog,
    Conversation,
    Faq,
    FaqStatus,
    Feedback,
    Message,
    OfficerReply,
    ReviewExample,
    ReviewItem,
    ReviewState,
)
from tests.admin.support import sign_in, token

LOAN = ["Vay vốn hộ nghèo lãi suất bao nhiêu?", "Lãi suất vay vốn cho hộ nghèo là bao nhiêu?",
        "Hộ nghèo vay vốn thì lãi suất thế nào?"]
OTHER = "Giá vé xe buýt ở Hà Nội bao nhiêu?"


def _ask(factory: SessionFactory, embedder: Embedder, user: str, text: str, *, decision: str = "refused",
         channel: str = "web", province: str | None = "Cao Bằng", when: datetime | None = None,
         latency: float = 120.0, topic: str | None = None) -> int:
    with factory.begin() as session:
        conversation = session.scalar(select(Conversation).where(Conversation.channel == channel,
                                                                 Conversation.user_key == user))
        if conversation is None:
            conversation = Conversation(channel=channel, user_key=user, province=province)
            session.add(conversation)
            session.flush()
        message = Message(conversation_id=conversation.id, channel=channel, question=text, decision=decision,
                          reply="…", province=province, latency_ms=latency, topic=topic,
                          created_at=when or datetime.now(UTC))
        session.add(message)
        session.flush()
        if decision == "refused":
            enqueue(session, message=message, reason="refused", embedding=embedder.embed_queries([text])[0])
        return message.id


def test_inbox_groups_and_resolves(client: TestClient, accounts: SessionFactory, embedder: Embedder) -> None:
    for i, text in enumerate(LOAN):
        _ask(accounts, embedder, f"u{i}", text, channel="telegram" if i == 0 else "web")
    _ask(accounts, embedder, "u9", OTHER, province=None)
    with accounts() as session:
        items = session.scalars(select(ReviewItem).order_by(ReviewItem.count.desc())).all()
    assert [item.count for item in items] == [3, 1], "three phrasings of one question are one item"
    loan, other = items
    sign_in(client, "quantri")
    inbox = client.get("/admin/review")
    assert LOAN[0] in inbox.text
    assert OTHER in inbox.text
    assert "telegram" in inbox.text
    assert "Cao Bằng" in inbox.text
    detail = client.get(f"/admin/review/{loan.id}")
    assert all(text in detail.text for text in LOAN)

    client.post(f"/admin/review/{loan.id}/state", data={"csrf": token(client), "state": "in_progress"})
    refused = client.post(f"/admin/review/{other.id}/ignore", data={"csrf": token(client), "reason": ""})
    assert "Hãy ghi lý do" in refused.text
    client.post(f"/admin/review/{other.id}/ignore", data={"csrf": token(client), "reason": "Ngoài phạm vi"})
    web_reply = client.post(f"/admin/review/{loan.id}/reply",
                            data={"csrf": token(client), "text": "Lãi suất theo quy định.",
                                  "example_id": _example_id(accounts, loan.id, "web")})
    assert "Chưa gửi được" not in web_reply.text  # the web page shows it: kept with the conversation
    with accounts() as session:
        kept = session.scalars(select(OfficerReply)).one()
        example = session.get(ReviewExample, kept.example_id)
        assert example is not None
        assert example.answered_at is not None
        assert (kept.text, kept.officer, example.channel) == ("Lãi suất theo quy định.", "quantri", "web")
    detail = client.get(f"/admin/review/{loan.id}")
    assert "Cuộc trò chuyện" in detail.text
    assert "Cán bộ quantri" in detail.text  # the item shows the whole conversation, officers' replies included
    assert "Lãi suất theo quy định." in detail.text

    prefilled = client.get("/admin/faq/new", params={"from_item": loan.id})
    assert all(text in prefilled.text for text in LOAN)
    assert f'name="from_item" value="{loan.id}"' in prefilled.text
    with accounts.begin() as session:
        faq = Faq(slug="vay-von", questions=["Vay vốn ưu đãi hộ nghèo"], answer="Lãi suất do Chính phủ quy định.",
                  status=FaqStatus.PUBLISHED)
        session.add(faq)
        session.flush()
        faq_id = faq.id
    client.post(f"/admin/review/{loan.id}/faq", data={"csrf": token(client), "faq_id": str(faq_id)})
    with accounts() as session:
        loan_now = session.get(ReviewItem, loan.id)
        other_now = session.get(ReviewItem, other.id)
        faq_now = session.get(Faq, faq_id)
        actions = [a.action for a in session.scalars(select(AuditLog).where(AuditLog.entity_type == "review_item")
                                                     .order_by(AuditLog.id))]
    assert loan_now is not None
    assert loan_now.state is ReviewState.DONE
    assert loan_now.faq_id == faq_id
    assert other_now is not None
    assert other_now.state is ReviewState.IGNORED
    assert other_now.ignore_reason == "Ngoài phạm vi"
    assert faq_now is not None
    assert all(text in faq_now.questions for text in LOAN), "the FAQ learnt the phrasings"
    assert actions == ["state", "ignore", "reply", "link_faq"]
    assert LOAN[0] not in client.get("/admin/review").text
    assert LOAN[0] in client.get("/admin/review", params={"state": "done"}).text


def _example_id(factory: SessionFactory, item_id: int, channel: str) -> str:
    with factory() as session:
        item = session.get(ReviewItem, item_id)
        assert item is not None
        return str(next(e.id for e in item.examples if e.channel == channel))


def test_analytics_page_and_csv(client: TestClient, accounts: SessionFactory, embedder: Embedder) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    yesterday = now - timedelta(days=1)
    _ask(accounts, embedder, "a", "Chuẩn nghèo là gì?", decision="answered", when=yesterday, latency=100,
         topic="chuẩn nghèo")
    answered = _ask(accounts, embedder, "b", "Chuẩn cận nghèo là gì?", decision="answered", channel="telegram",
                    latency=300, topic="chuẩn nghèo")
    _ask(accounts, embedder, "c", "Hỏi linh tinh", decision="clarify", latency=200)
    _ask(accounts, embedder, "d", OTHER, decision="refused", latency=50)
    with accounts.begin() as session:
        session.add_all([Feedback(message_id=answered, rating=1), Feedback(message_id=answered, rating=-1),
                         Feedback(message_id=answered, rating=1)])
    sign_in(client, "quantri")
    page = client.get("/admin/analytics", params={"days": 7})
    assert page.status_code == 200
    assert page.text.count("<svg") == 2
    assert "<b>4</b> câu hỏi" in page.text
    assert "<b>50%</b> được trả lời" in page.text
    assert "<b>25%</b> từ chối" in page.text
    assert "<b>67%</b> đánh giá 👍" in page.text
    assert "<b>150 ms</b>" in page.text, "median of 50, 100, 200, 300"
    assert "chuẩn nghèo (2)" in page.text
    assert OTHER in page.text
    export = client.get("/admin/analytics/export.csv", params={"days": 7})
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert sum(int(r["tong"]) for r in rows) == 4
    assert {(r["ngay"], r["kenh"]) for r in rows} >= {(yesterday.date().isoformat(), "web"),
                                                      (now.date().isoformat(), "telegram")}
