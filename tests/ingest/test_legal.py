"""The legal-structure parser on the real gazette texts of the corpus."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest

from knowledge_base.ingest.formats import PAGE_BREAK
from knowledge_base.ingest.gazette import Footnote, clean
from knowledge_base.ingest.legal import parse_legal
from knowledge_base.ingest.parsed import IngestError, ParsedDocument
from knowledge_base.ingest.text import MAX_WORDS

Doc = Callable[[str], ParsedDocument]

# Plausible passage counts, measured when the parser was written; a change outside a range is a regression
# (or a deliberate change of the chunking that must update these numbers).
PASSAGE_COUNTS = {
    "VBHN-1315": (130, 170),
    "TT-02-2022": (90, 120),
    "TT-10-2022": (155, 195),
    "TT-11-2022": (65, 90),
    "VBHN-1676": (80, 105),
    "TT-03-2024": (55, 80),
    "VBHN-3503": (215, 265),
}


def locators_of(document: ParsedDocument, fragment: str) -> list[str]:
    return [p.locator for p in document.passages if fragment in p.text]


@pytest.mark.parametrize(("prefix", "bounds"), PASSAGE_COUNTS.items())
def test_passage_counts_are_plausible(doc: Doc, prefix: str, bounds: tuple[int, int]) -> None:
    count = len(doc(prefix).passages)
    assert bounds[0] <= count <= bounds[1], f"{prefix}: {count} passages"


@pytest.mark.parametrize(
    ("prefix", "fragment", "locator"),
    [
        # VBHN 1315, Điều 1 (the review procedure): checked against the gazette text by hand.
        ("VBHN-1315", "Ban Chỉ đạo rà soát cấp xã chủ trì, phối hợp với trưởng thôn", "Khoản 3 Điều 1"),
        ("VBHN-1315", "hộ có điểm A ≤ 140 điểm và điểm B ≥ 30 điểm ở khu vực nông thôn", "Điểm b Khoản 1 Điều 1"),
        ("VBHN-1315", "Mẫu biên bản kết quả họp dân để thống nhất kết quả rà soát", "Khoản 4 Điều 1"),
        ("VBHN-1315", "Thông tư này có hiệu lực từ ngày 01 tháng 9 năm 2021.", "Điều 3"),
        ("VBHN-1315", "Nước sạch trong sinh hoạt gồm: nước máy", "Khoản 6 Mục I Phụ lục IV"),
        ("VBHN-1315", "(Cột 1 đến Cột 9: hỏi từng chỉ tiêu", "Phụ lục II"),
        ("TT-11-2022", "Hỗ trợ kết nối việc làm thành công (có giao kết hợp đồng lao động)", "Khoản 4 Điều 3"),
        ("TT-11-2022", "Thực hiện thông qua cơ chế đấu thầu, đặt hàng, giao nhiệm vụ", "Khoản 3 Điều 4"),
        ("TT-11-2022", "Đối tượng quản lý là người lao động từ đủ 15 tuổi trở lên", "Điều 11"),
        ("TT-11-2022", "b) Ủy ban nhân dân cấp huyện chỉ đạo, hướng dẫn", "Điểm b Khoản 6 Điều 12"),
        ("TT-10-2022", "- Trước ngày 01 tháng 9 năm 2023, các bộ, ngành", "Điểm b Khoản 2 Điều 4"),
        ("TT-10-2022", "1. Mục đích: Theo dõi, kiểm tra việc chấp hành", "Khoản 1 Mục I Phụ lục I"),
        ("VBHN-1676", "h) Thời gian thực hiện mỗi dự án tối đa 3 năm.", "Khoản 2 Điều 4"),
        ("VBHN-3503", "1. Đào tạo nghề trình độ sơ cấp và dưới 03 tháng", "Khoản 1 Điều 21"),
        ("TT-02-2022", "Hộ gia đình có ít nhất một trẻ em dưới 16 tuổi", "Mẫu số 3.2 Phụ lục III"),
    ],
)
def test_known_clauses_have_the_right_locator(doc: Doc, prefix: str, fragment: str, locator: str) -> None:
    assert locators_of(doc(prefix), fragment) == [locator]


def test_heading_path_names_chapter_and_article(doc: Doc) -> None:
    passage = next(p for p in doc("TT-11-2022").passages if p.locator == "Điều 11")
    assert passage.heading_path == (
        "Chương III. Quản lý lao động gắn với cơ sở dữ liệu quốc gia về dân cư và các cơ sở dữ liệu khác",
        "Điều 11. Đối tượng quản lý",
    )


@pytest.mark.parametrize("prefix", PASSAGE_COUNTS)
def test_no_gazette_furniture_in_passages(doc: Doc, prefix: str) -> None:
    for passage in doc(prefix).passages:
        for furniture in ("CÔNG BÁO", "Người ký:", "Thời gian ký:", "thongtinchinhphu@chinhphu.vn",
                          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "KT. BỘ TRƯỞNG", "Lê Văn Thanh"):
            assert furniture not in passage.text, (prefix, passage.locator)


@pytest.mark.parametrize("prefix", PASSAGE_COUNTS)
def test_passages_are_normalised_and_bounded(doc: Doc, prefix: str) -> None:
    for passage in doc(prefix).passages:
        assert passage.text == " ".join(passage.text.split())
        assert unicodedata.is_normalized("NFC", passage.text)
        assert 0 < len(passage.text.split()) <= MAX_WORDS
        assert passage.locator
    assert [p.order for p in doc(prefix).passages] == list(range(len(doc(prefix).passages)))


def test_page_numbers_are_removed_at_page_turns(corpus_dir_texts: dict[str, str]) -> None:
    for name, text in corpus_dir_texts.items():
        items = clean(text)
        for index, item in enumerate(items[:-1]):
            if item == PAGE_BREAK:
                following = next(i for i in items[index + 1:] if isinstance(i, str) and i.strip())
                assert not re.fullmatch(r"\s*\d+\s*", following), (name, following)


def test_clause_broken_by_a_page_turn_reads_as_one(doc: Doc) -> None:
    clause = next(p for p in doc("VBHN-1315").passages if p.locator == "Khoản 6 Điều 1")
    assert "số 24/2021/QĐ-TTg thực hiện như sau: a) Sở Lao động - Thương binh và Xã hội báo cáo" in clause.text


def test_footnotes_are_their_own_passages(doc: Doc) -> None:
    document = doc("VBHN-1676")
    article = "".join(p.text for p in document.passages if p.locator.endswith("Điều 1") or p.locator == "Điều 2")
    assert "Điều này được sửa đổi, bổ sung" not in article
    note = next(p for p in document.passages if p.text.startswith("Điều này được sửa đổi, bổ sung"))
    assert note.locator == "Chú thích 2"
    assert note.heading_path[-1] == "Điều 1. Phạm vi điều chỉnh"
    heading = next(p for p in document.passages if p.locator == "Điều 2").heading_path[-1]
    assert heading == "Điều 2. Đối tượng áp dụng"  # the marker "chỉnh2" is not in the heading either


def test_signature_block_is_not_glued_to_the_last_article(doc: Doc) -> None:
    last = [p for p in doc("VBHN-3503").passages if p.locator.endswith("Điều 45")]
    assert last
    assert all("XÁC THỰC" not in p.text and "Hà Nội, ngày" not in p.text for p in last)
    assert last[-1].text.endswith("chịu trách nhiệm thi hành Thông tư này./.")


@pytest.mark.parametrize(
    ("prefix", "number", "doc_type", "title_start"),
    [
        ("VBHN-1315", "1315/VBHN-BLĐTBXH", "Văn bản hợp nhất", "Thông tư hướng dẫn phương pháp rà soát"),
        ("TT-11-2022", "11/2022/TT-BLĐTBXH", "Thông tư", "Thông tư hướng dẫn một số nội dung thực hiện hỗ trợ"),
        ("TT-02-2022", "02/2022/TT-BLĐTBXH", "Thông tư", "Thông tư sửa đổi, bổ sung một số nội dung"),
    ],
)
def test_number_type_and_title_found_in_the_text(
    doc: Doc, prefix: str, number: str, doc_type: str, title_start: str
) -> None:
    document = doc(prefix)
    assert (document.number, document.doc_type) == (number, doc_type)
    assert document.title is not None
    assert document.title.startswith(title_start)


def test_preamble_keeps_the_consolidation_note(doc: Doc) -> None:
    preamble = [p for p in doc("VBHN-1676").passages if p.locator == "Phần mở đầu"]
    assert any("có hiệu lực kể từ ngày 11 tháng 7 năm 2022, được sửa đổi, bổ sung bởi:" in p.text for p in preamble)


def test_full_text_lists_headings_and_passages(doc: Doc) -> None:
    text = doc("TT-11-2022").text
    assert "\nĐiều 18. Hiệu lực thi hành\n1. Thông tư này có hiệu lực thi hành từ ngày 15 tháng 8 năm 2022." in text
    assert "CÔNG BÁO" not in text


def test_docx_style_text_without_wrapping() -> None:
    text = "\n".join([
        "THÔNG TƯ", "Hướng dẫn thí điểm", "", "Căn cứ Luật Tổ chức Chính phủ;",
        "Chương I. QUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi điều chỉnh",
        "Thông tư này hướng dẫn việc hỗ trợ thiết bị nghe nhìn cho hộ nghèo.",
        "Điều 2. Mức hỗ trợ",
        "1. Mỗi hộ được hỗ trợ một thiết bị.",
        "2. Kinh phí do ngân sách địa phương bảo đảm./.",
        "Nơi nhận:", "- Như Điều 2;", "- Lưu: VT.",
    ])
    document = parse_legal(text)
    assert document.title == "Thông tư hướng dẫn thí điểm"
    assert [(p.locator, p.text) for p in document.passages] == [
        ("Phần mở đầu", "Căn cứ Luật Tổ chức Chính phủ;"),
        ("Điều 1", "Thông tư này hướng dẫn việc hỗ trợ thiết bị nghe nhìn cho hộ nghèo."),
        ("Điều 2", "1. Mỗi hộ được hỗ trợ một thiết bị. 2. Kinh phí do ngân sách địa phương bảo đảm./."),
    ]
    assert document.passages[1].heading_path == ("Chương I. Quy định chung", "Điều 1. Phạm vi điều chỉnh")


def test_text_without_content_is_refused() -> None:
    with pytest.raises(IngestError, match="không có nội dung"):
        parse_legal(" \n\nCÔNG BÁO/Số 1 + 2/Ngày 1-1-2024\n12\n")


def test_footnote_numbers_follow_on_a_page(corpus_dir_texts: dict[str, str]) -> None:
    notes = [item.number for item in clean(corpus_dir_texts["VBHN-3503"]) if isinstance(item, Footnote)]
    assert notes == list(range(1, 11))
