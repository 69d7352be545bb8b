import unicodedata
from pathlib import Path

import pytest

from nlu.diacritics import DiacriticRestorer
from nlu.intents import default_classifier
from nlu.understand import MAX_INPUT_CHARS, InputTooLongError, Understander, default_restorer


def test_question_without_diacritics_is_restored(understander: Understander) -> None:
    result = understander.understand("ho ngheo duoc ho tro nhung gi")
    assert result.restored == "hộ nghèo được hỗ trợ những gì"
    assert result.normalized == result.restored
    assert result.tokens == ("hộ nghèo", "được", "hỗ trợ", "những", "gì")
    assert result.accent_free_tokens == ("ho ngheo", "duoc", "ho tro", "nhung", "gi")
    assert result.intent.name == "ask_policy"
    assert [(e.type, e.value) for e in result.entities] == [("household", "hộ nghèo")]


def test_accented_question_is_not_restored(understander: Understander) -> None:
    result = understander.understand("Hộ cận nghèo ở Hậu Giang được hỗ trợ gì?")
    assert result.restored is None
    assert result.normalized == "Hộ cận nghèo ở Hậu Giang được hỗ trợ gì?"
    assert result.intent.name == "ask_policy"
    assert {e.type for e in result.entities} == {"household", "province"}


def test_slang_is_expanded_before_restoration(understander: Understander) -> None:
    result = understander.understand("ho ngheo co dc cap the BHYT ko")
    assert result.normalized == "hộ nghèo có được cấp thẻ bảo hiểm y tế không"


def test_old_tone_marks_and_decomposed_unicode(understander: Understander) -> None:
    a = understander.understand(unicodedata.normalize("NFD", "chương trình hoà nhập cho hộ nghèo"))
    b = understander.understand("chương trình hòa nhập cho hộ nghèo")
    assert a.normalized == b.normalized
    assert a.tokens == b.tokens


def test_emoji_and_malformed_unicode(understander: Understander) -> None:
    result = understander.understand("cảm ơn bạn\u200b\ud83d 👍😀")
    assert result.normalized == "cảm ơn bạn 👍😀"
    assert result.intent.name == "thanks"
    assert understander.understand("👍").intent.name == "feedback_positive"


def test_empty_and_blank_input(understander: Understander) -> None:
    for text in ("", "   ", "\u200b\u0000"):
        result = understander.understand(text)
        assert result.intent.name == "empty"
        assert result.tokens == ()
        assert result.entities == ()


def test_too_long_input_is_refused_clearly(understander: Understander) -> None:
    assert understander.understand("a" * MAX_INPUT_CHARS).intent.name
    with pytest.raises(InputTooLongError, match="vượt quá giới hạn 2000 ký tự"):
        understander.understand("hộ nghèo " * 300)


def test_relative_year_uses_injected_today(understander: Understander) -> None:
    result = understander.understand("nam nay ho can ngheo duoc ho tro bao nhieu")
    assert ("year", "2025") in [(e.type, e.value) for e in result.entities]


def test_out_of_scope_and_smalltalk(understander: Understander) -> None:
    assert understander.understand("thoi tiet ha noi ngay mai the nao").intent.name == "out_of_scope"
    assert understander.understand("bạn là ai vậy").intent.name == "bot_challenge"
    assert understander.understand("bat dau lai").intent.name == "restart"


def test_default_restorer_is_cached_on_disk(cache_dir: Path, restorer: DiacriticRestorer) -> None:
    first = default_restorer(cache_dir)
    files = list(cache_dir.glob("diacritics-*.npz"))
    assert len(files) == 1
    second = default_restorer(cache_dir)
    assert second.vocabulary_size == first.vocabulary_size == restorer.vocabulary_size


def test_understander_builds_its_defaults(cache_dir: Path) -> None:
    understander = Understander(cache_dir=cache_dir)
    assert understander.classifier is default_classifier()
    assert understander.understand("xin chao").intent.name == "greet"


def test_live_restorer_is_followed_after_a_swap() -> None:
    """A server's index snapshot is replaced on rebuild; the language layer restores with the new one's restorer."""
    first = DiacriticRestorer.train(["hộ nghèo được hỗ trợ tiền điện"] * 3)
    second = DiacriticRestorer.train(["hồ nghệ đuợc hổ trờ tiến điển"] * 3)
    typed = "ho ngheo duoc ho tro tien dien"
    assert first.restore(typed) != second.restore(typed)
    live: list[DiacriticRestorer | None] = [None]
    understander = Understander(restorer=first, live_restorer=lambda: live[0])

    assert understander.understand(typed).restored == first.restore(typed)  # no snapshot yet: the fallback
    live[0] = second
    assert understander.understand(typed).restored == second.restore(typed)
    live[0] = first
    assert understander.understand(typed).restored == first.restore(typed)
