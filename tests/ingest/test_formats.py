"""Reading every supported format, and refusing broken files with a message that names them."""

from __future__ import annotations

import random
import unicodedata
import zlib
from pathlib import Path

import docx
import pytest

from knowledge_base.ingest.catalog import parse_document
from knowledge_base.ingest.formats import PAGE_BREAK, read_text
from knowledge_base.ingest.parsed import IngestError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
SENTENCE = "Điều 1. Hộ nghèo, hộ cận nghèo được hỗ trợ thiết bị nghe nhìn theo quy định của Thông tư này."
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed, tone marks as combining characters."""
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + "".join(c for c in parts if c in _TONES)).encode("cp1258")
    return bytes(out)


def minimal_pdf(pages: list[str]) -> bytes:
    """A valid PDF with one line of (ASCII) text per page, built by hand (no PDF writer needed)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        content = len(objects) + 1
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       f"/Resources << /Font << /F1 {len(objects) + 2} 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objects)
    objects = [obj.replace(f"/F1 {font + 1} 0 R", f"/F1 {font} 0 R") for obj in objects]
    objects = [o if "/Type /Page " not in o else o.replace(o[o.index("/F1 "):o.index(" 0 R >> >>") + 4],
                                                          f"/F1 {font} 0 R") for o in objects]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("utf8.txt", SENTENCE.encode("utf-8")),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + SENTENCE.encode("utf-8")),
        ("utf16.txt", SENTENCE.encode("utf-16")),
        ("windows-1258.txt", windows_1258(SENTENCE * 3)),
        ("nfd.txt", unicodedata.normalize("NFD", SENTENCE).encode("utf-8")),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, name: str, payload: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    assert read_text(path).startswith(SENTENCE)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Điều 1. Mức hỗ trợ")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Đối tượng", "Mức hỗ trợ"
    table.cell(1, 0).text, table.cell(1, 1).text = "Hộ nghèo", "100%"
    document.add_paragraph("Điều 2. Hiệu lực thi hành")
    path = tmp_path / "thong-tu.docx"
    document.save(str(path))
    assert read_text(path).split("\n") == [
        "Điều 1. Mức hỗ trợ", "Đối tượng | Mức hỗ trợ", "Hộ nghèo | 100%", "Điều 2. Hiệu lực thi hành",
    ]


def test_pdf_pages_are_separated(tmp_path: Path) -> None:
    path = tmp_path / "van-ban.pdf"
    path.write_bytes(minimal_pdf(["Dieu 1. Pham vi dieu chinh", "Dieu 2. Hieu luc thi hanh"]))
    text = read_text(path)
    assert "Dieu 1. Pham vi dieu chinh" in text
    assert text.index("Dieu 1") < text.index(PAGE_BREAK) < text.index("Dieu 2")


def test_html_page_keeps_the_article_only() -> None:
    text = read_text(FIXTURES / "tin-bai.html")
    assert text.startswith("Giảm nghèo về thông tin ở xã vùng cao")
    assert "lắp đặt thêm 12 cụm loa truyền thanh" in text  # inline <b> does not break the sentence
    assert "Cụm loa truyền thanh mới tại thôn Nà Sáng." in text
    for junk in ("tracking", "color: red", "Trang chủ", "Chính trị", "Tin liên quan", "Chia sẻ"):
        assert junk not in text


def test_html_news_article_parses_into_passages() -> None:
    document = parse_document(FIXTURES / "tin-bai.html", "news")
    assert document.title == "Giảm nghèo về thông tin ở xã vùng cao"
    joined = " ".join(p.text for p in document.passages)
    assert "35 hộ nghèo được hỗ trợ điện thoại thông minh" in joined
    assert "Nguyễn An" not in joined
    assert "12/03/2024" not in joined


def test_markdown_legal_text_parses_into_clauses() -> None:
    document = parse_document(FIXTURES / "thong-tu-mau.md", "legal")
    assert document.title == "Thông tư hướng dẫn thí điểm hỗ trợ giảm nghèo về thông tin"
    assert [p.locator for p in document.passages] == ["Phần mở đầu", "Điều 1", "Điều 2", "Điều 3"]
    assert document.passages[3].text.startswith("1. Mỗi hộ nghèo được hỗ trợ một thiết bị nghe nhìn")
    assert document.passages[1].heading_path == ("Chương I. Quy định chung", "Điều 1. Phạm vi điều chỉnh")


def _garbage(size: int) -> bytes:
    generator = random.Random(7)
    return bytes(generator.randrange(256) for _ in range(size))


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("rong.txt", b"   \n\n", "tệp rỗng"),
        ("hong.txt", _garbage(2000), "bảng mã"),
        ("nhi-phan.txt", b"\x00\x01\x02" * 200, "nhị phân"),
        ("hong.docx", b"PK\x03\x04 not really a zip", "Word"),
        ("hong.pdf", b"%PDF-1.4\n" + zlib.compress(b"broken") + b"\n%%EOF", "PDF"),
        ("bang-tinh.xlsx", b"PK\x03\x04", "chưa được hỗ trợ"),
    ],
)
def test_broken_files_raise_ingest_error_naming_the_file(tmp_path: Path, name: str, payload: bytes,
                                                         reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(IngestError) as caught:
        read_text(path)
    assert name in str(caught.value)
    assert reason in str(caught.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="không mở được"):
        read_text(tmp_path / "khong-co.txt")
