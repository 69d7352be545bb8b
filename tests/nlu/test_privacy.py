"""Personal data masking: every kind found in real-looking shapes, and policy text (amounts, dates, document
numbers, article locators, the shipped FAQ answers and legal texts) left exactly as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlu.privacy import Kind, find, mask
from tests.conftest import SHARED_DIR

REPO = Path(__file__).resolve().parents[2]

PERSONAL = [
    # phones, every common form
    ("gọi tôi số 0912 345 678 nhé", "0912 345 678", Kind.PHONE),
    ("sđt +84 912.345.678", "+84 912.345.678", Kind.PHONE),
    ("số của tôi 84912345678", "84912345678", Kind.PHONE),
    ("zalo 0084 912 345 678", "0084 912 345 678", Kind.PHONE),
    ("(+84) 987-654-321 là số mẹ tôi", "(+84) 987-654-321", Kind.PHONE),
    ("liên hệ 0387654321", "0387654321", Kind.PHONE),
    ("bàn 024 3826 9541", "024 3826 9541", Kind.PHONE),
    ("máy bàn 02838123456", "02838123456", Kind.PHONE),
    # identity numbers
    ("CCCD 001203004567", "001203004567", Kind.IDENTITY),
    ("cmnd của bố 123456789", "123456789", Kind.IDENTITY),
    ("căn cước 001 203 004 567", "001 203 004 567", Kind.IDENTITY),
    # e-mail
    ("email tôi là nguyen.van.an@gmail.com nhé", "nguyen.van.an@gmail.com", Kind.EMAIL),
    ("gửi về tran_thi-b+hs@yahoo.com.vn", "tran_thi-b+hs@yahoo.com.vn", Kind.EMAIL),
    # bank accounts and cards
    ("stk 0071001234567 vietcombank", "0071001234567", Kind.ACCOUNT),
    ("tài khoản 19033333333333 techcombank", "19033333333333", Kind.ACCOUNT),
    ("agribank 3600205123456", "3600205123456", Kind.ACCOUNT),
    ("thẻ 4111 1111 1111 1111", "4111 1111 1111 1111", Kind.ACCOUNT),
    ("thẻ atm 9704-0512-3456-7890", "9704-0512-3456-7890", Kind.ACCOUNT),
    # addresses with a house number
    ("nhà tôi ở số 12 ngõ 34 phố Huế, Hai Bà Trưng", "số 12 ngõ 34 phố Huế", Kind.ADDRESS),
    ("địa chỉ: 45/6 đường Lê Lợi, quận 1", "45/6 đường Lê Lợi", Kind.ADDRESS),
    ("nhà tôi ở 123 Nguyễn Trãi, Thanh Xuân", "123 Nguyễn Trãi", Kind.ADDRESS),
    ("số nhà 15 thôn Đông Hạ, xã An Bình", "số nhà 15 thôn Đông Hạ", Kind.ADDRESS),
    ("12A hẻm 7 Trần Hưng Đạo", "12A hẻm 7 Trần Hưng Đạo", Kind.ADDRESS),
    # names after a cue
    ("tôi tên là Nguyễn Văn An, ở Cao Bằng", "Nguyễn Văn An", Kind.NAME),
    ("tên tôi là Trần Thị Bích muốn hỏi hộ nghèo", "Trần Thị Bích", Kind.NAME),
    ("toi ten la nguyen van an o ha noi", "nguyen van an", Kind.NAME),
    ("Họ và tên: Lê Văn Tám", "Lê Văn Tám", Kind.NAME),
    ("mình tên Hoàng Yến, hỏi về bảo hiểm", "Hoàng Yến", Kind.NAME),
]

POLICY = [
    "thu nhập bình quân đầu người từ 1.500.000 đồng/người/tháng trở xuống",
    "hỗ trợ 150000000 đồng, 2000000 đ, 2.200.000 VNĐ, 15 triệu",
    "Nghị định 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ",
    "Thông tư 07/2021/TT-BLĐTBXH, Quyết định số 24/2021/QĐ-TTg",
    "theo Điều 5 Khoản 2 Điểm a Thông tư 02/2022/TT-BLĐTBXH",
    "tại Điều 3 Nghị định 351/2025/NĐ-CP, giai đoạn 2022-2025, từ 2022-01-01 đến 2026-12-31",
    "năm 2021 cả nước có 1.234 hộ, tỷ lệ 4,03%",
    "ngày 15 tháng 3 năm 2022, Công báo số 679 + 680",
    "gọi tổng đài 111 hoặc đường dây nóng 1900 1234, 1800 1567",
    "Email: thongtinchinhphu@chinhphu.vn, ldtbxh@molisa.gov.vn",
    "Toàn tỉnh có 115 tổ công nghệ số, 78/78 ấp có loa, 8 Tổ chức đoàn thể",
    "Cột 2 - Họ tên: ghi rõ họ tên theo đăng ký thường trú",
    "xây 8 đường giao thông nông thôn",
]


@pytest.mark.parametrize(("text", "secret", "kind"), PERSONAL)
def test_every_kind_of_personal_data_is_found(text: str, secret: str, kind: Kind) -> None:
    spans = [(text[s.start:s.end], s.kind) for s in find(text)]
    assert (secret, kind) in spans, spans
    assert secret not in mask(text)
    assert kind.value in mask(text)


@pytest.mark.parametrize("text", POLICY)
def test_policy_text_is_left_alone(text: str) -> None:
    assert mask(text) == text


def _starter_answers() -> list[str]:
    texts: list[str] = []
    for path in sorted((REPO / "knowledge_base" / "starter" / "faq").glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")).get("entries", []):
            texts += [str(entry.get(field) or "") for field in ("answer", "next_step")]
            texts += [str(q) for q in entry.get("questions", [])]
    return texts


def test_shipped_faq_answers_and_fixture_texts_are_unchanged() -> None:
    texts = _starter_answers()
    assert len(texts) > 50
    for path in sorted((REPO / "tests" / "fixtures" / "ingest").iterdir()):
        texts += path.read_text(encoding="utf-8", errors="replace").splitlines()
    changed = [text for text in texts if mask(text) != text]
    assert changed == []


def test_the_legal_corpus_is_unchanged() -> None:
    legal = SHARED_DIR / "corpus" / "legal"
    if not legal.is_dir():
        pytest.skip(f"the shared legal corpus is not at {legal}")
    lines = [line for path in sorted(legal.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 1000
    changed = [line for line in lines if mask(line) != line]
    assert changed == []
