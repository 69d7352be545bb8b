import pytest

from nlu.normalize import normalize_text
from nlu.slang import expand_slang
from nlu.tokenize import accent_free, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ko bít dc hỗ trợ j", "không biết được hỗ trợ gì"),
        ("nhà mình hông có j hết dzậy", "nhà mình không có gì hết vậy"),
        ("K có tiền", "K có tiền"),  # upper-case K is not slang
        ("k có tiền", "không có tiền"),
        ("CĐS và GNBV", "chuyển đổi số và giảm nghèo bền vững"),
        ("cđs, gnbv", "chuyển đổi số, giảm nghèo bền vững"),
        ("CNSCĐ", "công nghệ số cộng đồng"),
        ("thẻ BHYT của UBND xã", "thẻ bảo hiểm y tế của Ủy ban nhân dân xã"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("đồng bào DTTS", "đồng bào dân tộc thiểu số"),
    ],
)
def test_slang_and_abbreviations_expand(raw: str, expected: str) -> None:
    assert expand_slang(normalize_text(raw)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "không kho khó ông",
        "Kho bạc, khó khăn, không, ông bà",
        "500k 2kg 07/2021/TT-BLĐTBXH",
        "dcm-x abc.dc dc2",
        "Hông Kông",  # capitalised: a name
        "bảo hiểm y tế",
        "jpg js",
    ],
)
def test_normal_words_are_not_damaged(text: str) -> None:
    normalized = normalize_text(text)
    assert expand_slang(normalized) == normalized


def test_tokenize_joins_domain_terms() -> None:
    tokens = tokenize(normalize_text("Hộ cận nghèo và chuẩn nghèo đa chiều, tổ công nghệ số cộng đồng!"))
    assert tokens == ["hộ cận nghèo", "và", "chuẩn nghèo đa chiều", "tổ công nghệ số cộng đồng"]


def test_tokenize_keeps_underthesea_words_and_drops_punctuation() -> None:
    tokens = tokenize("Đài truyền thanh cơ sở ở Hậu Giang được đầu tư năm 2024.")
    assert tokens[0] == "đài truyền thanh cơ sở"
    assert "hậu giang" in tokens
    assert "2024" in tokens
    assert "." not in tokens


def test_tokenize_empty_and_symbols() -> None:
    assert tokenize("") == []
    assert tokenize("?!… 👍") == []


def test_accent_free_tokens() -> None:
    assert accent_free(["hộ cận nghèo", "được", "đồng"]) == ["ho can ngheo", "duoc", "dong"]
