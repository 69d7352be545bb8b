"""The console's home page shows what is about to end, what rests on an ended basis, and topics with nothing valid."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from knowledge_base.db import SessionFactory
from knowledge_base.models import Document, DocumentKind, DocumentStatus, Faq, FaqCitation, FaqStatus
from tests.admin.support import sign_in


def test_home_lists_freshness(client: TestClient, accounts: SessionFactory) -> None:
    today = date.today()  # the console's runtime has no fixed date
    soon = today + timedelta(days=20)
    with accounts() as session, session.begin():
        old = Document(slug="09/2022/TT-X", number="09/2022/TT-X", kind=DocumentKind.LEGAL, doc_type="Thông tư",
                       title="Cũ", status=DocumentStatus.SUPERSEDED, superseded_by="03/2024/TT-X")
        cites_old = Faq(slug="dua-vao-van-ban-cu", topic="b", questions=["Hỏi b?"], answer="Đáp b.",
                        status=FaqStatus.PUBLISHED)
        cites_old.citations.append(FaqCitation(document=old, label=old.label))
        session.add_all([
            old, cites_old,
            Faq(slug="sap-het-han", topic="a", questions=["Hỏi a?"], answer="Đáp a.", status=FaqStatus.PUBLISHED,
                applies_until=soon),
            Faq(slug="da-het-han", topic="c", questions=["Hỏi c?"], answer="Đáp c.", status=FaqStatus.PUBLISHED,
                applies_until=today - timedelta(days=1)),
        ])
    sign_in(client, "canbo")
    page = client.get("/admin").text
    assert "Sắp hết hiệu lực trong 60 ngày" in page
    assert f"sap-het-han</a>: áp dụng đến hết {soon:%d/%m/%Y}" in page
    assert "dua-vao-van-ban-cu</a>: căn cứ 09/2022/TT-X đã bị thay thế bởi 03/2024/TT-X" in page
    assert "Chủ đề không còn câu trả lời nào đang áp dụng" in page
    assert "mục gần nhất: da-het-han" in page
