"""News pages (the made-up ones in tests/fixtures/news): the article body without navigation, bylines and
related-news lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from knowledge_base.ingest.news import MIN_PARAGRAPH_WORDS, parse_news
from knowledge_base.ingest.parsed import IngestError, ParsedDocument

Doc = Callable[[str], ParsedDocument]

NEWS = {  # the made-up pages of tests/fixtures/news
    "bac-lieu": ("Bạc Liêu giúp hộ nghèo dùng điện thoại thông minh", (4, 6)),
    "cao-bang": ("Cao Bằng đưa thông tin chính sách giảm nghèo đến từng bản", (5, 7)),
    "quang-tri": ("Quảng Trị: Đài truyền thanh thông minh về với xã vùng cao", (4, 6)),
}

BOILERPLATE = [
    "BÁO ĐIỆN TỬ", "CỔNG THÔNG TIN MẪU", "Trang chủ", "CHUYỂN ĐỔI SỐ", "Tin tức - Sự kiện",  # site menus
    "Lan Hương", "Minh Tâm", "Thanh Bình", "Bản quyền",  # bylines and footers
    "Nậm Mẫu làm nhà cho hộ nghèo", "Hội thảo chuyển đổi số trong nông nghiệp",  # related news
    "Đường về bản Mẫu sau mùa lũ",
    "truyen-thanh-cao-bang.jpg", "cao bằng 07", "12/06/2024",  # image file name, alt text, date line
]


@pytest.mark.parametrize(("prefix", "expected"), NEWS.items())
def test_title_and_passage_count(doc: Doc, prefix: str, expected: tuple[str | None, tuple[int, int]]) -> None:
    title, (low, high) = expected
    document = doc(prefix)
    assert document.title == title
    assert low <= len(document.passages) <= high
    assert [p.locator for p in document.passages] == [f"Đoạn {i}" for i in range(1, len(document.passages) + 1)]


@pytest.mark.parametrize("prefix", NEWS)
def test_boilerplate_is_gone(doc: Doc, prefix: str) -> None:
    document = doc(prefix)
    for passage in document.passages:
        for junk in BOILERPLATE:
            assert junk not in passage.text, (prefix, junk)
    assert not any(junk in document.text for junk in BOILERPLATE)


@pytest.mark.parametrize("prefix", NEWS)
def test_short_paragraphs_are_merged(doc: Doc, prefix: str) -> None:
    passages = doc(prefix).passages
    assert all(len(p.text.split()) >= MIN_PARAGRAPH_WORDS for p in passages)


def test_photo_captions_stay_with_the_article(doc: Doc) -> None:
    text = " ".join(p.text for p in doc("bac-lieu").passages)
    assert "Thành viên tổ công nghệ số cộng đồng hướng dẫn người dân ấp Mẫu cài ứng dụng" in text


def test_subheadings_become_heading_path(doc: Doc) -> None:
    passage = next(p for p in doc("cao-bang").passages if "1.250 tổ công nghệ số" in p.text)
    assert passage.heading_path == (
        "Cao Bằng đưa thông tin chính sách giảm nghèo đến từng bản", "Nâng cao hiểu biết của người dân",
    )


def test_page_with_only_navigation_is_refused() -> None:
    with pytest.raises(IngestError, match="không tìm thấy đoạn văn"):
        parse_news("Trang chủ\nThời sự\nKinh tế\n")
