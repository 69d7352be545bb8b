from pathlib import Path

from nlu.diacritics import DiacriticRestorer, base_training_sentences, has_diacritics, strip_diacritics


def test_strip_keeps_case_and_punctuation() -> None:
    assert strip_diacritics("Hộ nghèo đã Được, ĐỒNG?") == "Ho ngheo da Duoc, DONG?"


def test_strip_handles_decomposed_input() -> None:
    assert strip_diacritics("ho\u0302\u0323 nghe\u0300o") == "ho ngheo"


def test_has_diacritics() -> None:
    assert has_diacritics("hộ")
    assert has_diacritics("đi")
    assert has_diacritics("e\u0301")
    assert not has_diacritics("ho ngheo 2025 ?")


def test_base_training_sentences_are_real_vietnamese() -> None:
    sentences = list(base_training_sentences())
    assert len(sentences) > 70_000  # VLSP sentences + Viet74K entries
    assert sum(1 for s in sentences if len(s.split()) > 8) > 1_500  # real sentences, not only words
    without = list(base_training_sentences(include_lexicon=False))
    assert 1_500 < len(without) < 5_000


def test_restores_policy_question(restorer: DiacriticRestorer) -> None:
    assert restorer.restore("ho ngheo duoc ho tro nhung gi") == "hộ nghèo được hỗ trợ những gì"


def test_keeps_already_accented_syllables_and_case(restorer: DiacriticRestorer) -> None:
    restored = restorer.restore("Hộ can ngheo O Ha Noi")
    assert restored.startswith("Hộ cận nghèo")
    assert restored.split()[0] == "Hộ"
    assert restored == "Hộ cận nghèo Ở Hà Nội"


def test_keeps_numbers_punctuation_and_unknown_words(restorer: DiacriticRestorer) -> None:
    assert restorer.restore("nam 2025, xyzzy ho ngheo?") == "năm 2025, xyzzy hộ nghèo?"
    assert restorer.restore("") == ""
    assert restorer.restore("!!!") == "!!!"


def test_learns_from_the_text_it_is_given() -> None:
    small = DiacriticRestorer.train(["Tổ công nghệ số cộng đồng hỗ trợ người dân."] * 3)
    assert small.restore("to cong nghe so cong dong") == "tổ công nghệ số cộng đồng"
    assert DiacriticRestorer.train(["khong dau"]).vocabulary_size == 1  # bare text teaches nothing


def test_save_and_load_round_trip(restorer: DiacriticRestorer, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    restorer.save(path)
    loaded = DiacriticRestorer.load(path)
    text = "thu nhap binh quan dau nguoi cua ho can ngheo o nong thon"
    assert loaded.restore(text) == restorer.restore(text)
    assert loaded.vocabulary_size == restorer.vocabulary_size
