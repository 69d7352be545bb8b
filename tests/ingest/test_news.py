"""News pages of the corpus: the article body without navigation, bylines and related-news lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from knowledge_base.ingest.news import MIN_PARAGRAPH_WORDS, parse_news
from knowledge_base.ingest.parsed import IngestError, ParsedDocument

Doc = Callable[[str], ParsedDocument]

NEWS = {
    "bac-lieu-giam-ngheo": ("Giảm nghèo thông tin gắn với chuyển đổi số", (9, 16)),
    "bac-lieu-truyen-thong": ("Tăng cường công tác truyền thông giảm nghèo về thông tin", (9, 16)),
    "cao-bang": (None, (6, 12)),
    "hau-giang": (None, (12, 22)),
    "quang-tri": ("Quảng Trị: Đẩy mạnh chuyển đổi số gắn với thực hiện giảm nghèo về thông tin", (10, 18)),
}

BOILERPLATE = [
    "BÚA LIỀM VÀNG", "Học tập và làm theo tư tưởng", "CHUYỂN ĐỔI SỐ",  # site menus
    "Minh Luân", "Thanh Minh",  # bylines
    "Đoàn ĐBQH và HĐND tỉnh tiếp xúc cử tri", "Trao chứng chỉ bồi dưỡng tiếng Khmer",  # related news
    "Nậm Pồ làm nhà cho hộ nghèo", "Tây Ninh: Nhiều cơ chế giảm nghèo",
    "the thao.png", "cao Bằng 22",  # image file name and alt text
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
    text = " ".join(p.text for p in doc("bac-lieu-truyen-thong").passages)
    assert "Nhân viên Vinaphone Bạc Liêu hướng dẫn người dân cập nhật mô hình sản xuất" in text


def test_subheadings_become_heading_path(doc: Doc) -> None:
    passage = next(p for p in doc("bac-lieu-truyen-thong").passages if "Trong năm 2024, Sở TT-TT" in p.text)
    assert passage.heading_path == (
        "Tăng cường công tác truyền thông giảm nghèo về thông tin", "Đa dạng các hoạt động truyền thông",
    )


def test_page_with_only_navigation_is_refused() -> None:
    with pytest.raises(IngestError, match="không tìm thấy đoạn văn"):
        parse_news("Trang chủ\nThời sự\nKinh tế\n")
