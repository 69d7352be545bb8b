import unicodedata

import pytest
from underthesea import text_normalize

from nlu.normalize import fold, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hoà bình", "Hòa bình"),
        ("sức khoẻ", "sức khỏe"),
        ("THUÝ", "THÚY"),
        ("tuỳ thuộc", "tùy thuộc"),
        ("gìa", "già"),  # misplaced onto the "gi" onset
        ("hoàn thành", "hoàn thành"),  # closed syllable: the mark stays on the second vowel
        ("người được quyết", "người được quyết"),
        ("khuỷu tay ngoài", "khuỷu tay ngoài"),
        ("nghành", "ngành"),  # underthesea's token map
    ],
)
def test_one_tone_mark_convention(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_convention_matches_underthesea_text_normalize() -> None:
    for word in ["hoà", "toà", "hoá", "khoẻ", "thuỷ", "uỷ", "luỹ", "xoà", "hoè"]:
        assert normalize_text(word) == text_normalize(word)


def test_decomposed_unicode_is_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Hộ cận nghèo được hỗ trợ")
    assert nfd != "Hộ cận nghèo được hỗ trợ"
    assert normalize_text(nfd) == "Hộ cận nghèo được hỗ trợ"


def test_old_style_decomposed_is_same_as_new_style_composed() -> None:
    assert normalize_text(unicodedata.normalize("NFD", "hoà nhập")) == normalize_text("hòa nhập")


def test_control_zero_width_and_lone_surrogates_are_removed() -> None:
    raw = "hộ\u200b nghèo\u0000\u200d được\ufeff hỗ trợ\ud800 gì\u202e"
    assert normalize_text(raw) == "hộ nghèo được hỗ trợ gì"


def test_white_space_and_repeated_marks_collapse() -> None:
    assert normalize_text("  hộ   nghèo\n\tđược gì ??? !! ") == "hộ nghèo được gì?!"
    assert normalize_text("xem ( mục 2 ) ....") == "xem (mục 2)…"


def test_document_numbers_and_case_survive() -> None:
    text = "Thông tư 07/2021/TT-BLĐTBXH và LĐ-TB&XH, 1.500.000đ"
    assert normalize_text(text) == text


def test_emoji_are_kept() -> None:
    assert normalize_text("cảm ơn 👍🏽😀") == "cảm ơn 👍🏽😀"


def test_fold_lowers_case() -> None:
    assert fold("Hoà Bình THUÝ") == "hòa bình thúy"


def test_normalize_is_idempotent() -> None:
    text = normalize_text(unicodedata.normalize("NFD", " Thuý   hoà  khoẻ.... "))
    assert normalize_text(text) == text
