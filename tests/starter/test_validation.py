"""The starter data as shipped, and the validator's refusals (pure: no database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base.corpus import SHIPPED_CATALOG
from knowledge_base.starter.loader import (
    MAX_ANSWER_SENTENCES,
    SourceDoc,
    StarterKnowledge,
    StarterValidationError,
    count_sentences,
    load_starter,
    question_key,
    strip_diacritics,
)

REQUIRED_TOPICS = {
    "chuan-ngheo",
    "chi-so-thieu-hut",
    "ra-soat",
    "chuong-trinh",
    "du-an-6",
    "tinh",
    "sinh-ke-viec-lam",
    "sau-2025",
}
TODAY = date(2026, 11, 23)


def _entry(data: dict[str, Any], entry_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in data["entries"] if item["id"] == entry_id)
    return found


def _answers_on(starter: StarterKnowledge, day: date, question: str) -> list[str]:
    key = question_key(question)
    return [e.answer for e in starter.entries_on(day) if key in {question_key(q) for q in e.questions}]


# ---------------------------------------------------------------- the shipped data


def test_shipped_starter_is_large_enough_and_covers_every_topic(starter: StarterKnowledge) -> None:
    assert len(starter.entries) >= 85
    assert len(starter.entries_on(TODAY)) >= 85
    assert set(starter.topics) >= REQUIRED_TOPICS


def test_every_entry_can_be_typed_without_diacritics(starter: StarterKnowledge) -> None:
    missing = [e.id for e in starter.entries if not any(q == strip_diacritics(q) for q in e.questions)]
    assert missing == []


def test_no_unverified_marker_and_every_answer_is_short(starter: StarterKnowledge) -> None:
    for e in starter.entries:
        text = f"{e.answer} {e.next_step}"
        assert "CHƯA XÁC MINH" not in text, e.id  # the facts file's marker, copied by mistake
        assert count_sentences(e.answer) <= MAX_ANSWER_SENTENCES, e.id


def _match_catalogue(sources: list[SourceDoc], catalog_path: Path) -> None:
    catalog = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))["documents"]
    expected = {doc.get("number") or doc["file"].removesuffix(".txt"): doc for doc in catalog}
    listed = {src.number: src for src in sources}
    assert set(listed) == set(expected)
    for number, src in listed.items():
        assert src.corpus_file == expected[number]["file"]
        assert src.title == " ".join(expected[number]["title"].split())
        assert src.status == expected[number].get("status", "in_force")


def test_legal_sources_match_the_shipped_catalogue(starter: StarterKnowledge) -> None:
    _match_catalogue([src for src in starter.sources if src.kind == "legal"], SHIPPED_CATALOG)


def test_corpus_sources_match_the_shared_catalogue(starter: StarterKnowledge, shared_dir: Path) -> None:
    _match_catalogue([src for src in starter.sources if src.corpus_file is not None],
                     shared_dir / "corpus" / "catalog.yaml")


def test_time_dependent_thresholds_follow_the_date(starter: StarterKnowledge) -> None:
    question = "chuan ngheo hien nay la bao nhieu tien"
    now = _answers_on(starter, TODAY, question)
    later = _answers_on(starter, date(2027, 1, 2), question)
    assert len(now) == 1
    assert "1.500.000" in now[0]
    assert "2.200.000" not in now[0]
    assert len(later) == 1
    assert "2.200.000" in later[0]
    assert "2.800.000" in later[0]


def test_superseded_sources_are_never_cited_as_current(starter: StarterKnowledge) -> None:
    superseded = {src.number for src in starter.sources if src.status == "superseded"}
    for e in starter.entries:
        if any(c.document in superseded for c in e.citations):
            assert "hết hiệu lực" in e.answer, e.id


# ---------------------------------------------------------------- helpers of the validator


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Mức là 1.500.000 đồng theo Nghị định 07/2021/NĐ-CP. Từ 2027 đổi.", 2),
        ("Hộ nghèo (điểm B ≥ 30). Hộ cận nghèo thì dưới 30! Hỏi xã nhé?", 3),
        ("Tỷ lệ còn 1,3% vào cuối năm 2025.", 1),
    ],
)
def test_sentence_count_ignores_dots_inside_numbers(text: str, count: int) -> None:
    assert count_sentences(text) == count


def test_question_key_ignores_case_spacing_and_diacritics() -> None:
    assert question_key("Hộ  nghèo là GÌ?") == question_key("ho ngheo la gi")
    assert question_key("Đường") == "duong"


# ---------------------------------------------------------------- refusals, each naming the entry


def test_bad_citation_is_refused_with_the_entry_named(starter_copy: Callable[..., Path]) -> None:
    def cite_unknown(data: dict[str, Any]) -> None:
        _entry(data, "lam-don-xin-ra-soat")["citations"].append({"document": "99/2099/TT-XYZ"})

    with pytest.raises(StarterValidationError) as caught:
        load_starter(starter_copy({"faq/ra-soat.yaml": cite_unknown}))
    message = str(caught.value)
    assert "lam-don-xin-ra-soat" in message
    assert "99/2099/TT-XYZ" in message


def test_duplicate_question_across_entries_is_refused(starter_copy: Callable[..., Path]) -> None:
    def copy_question(data: dict[str, Any]) -> None:
        # Same question as in 'ra-soat-dinh-ky-khi-nao', typed differently (case, accents, spaces).
        _entry(data, "hop-dan-binh-xet")["questions"].append("MOI NAM  ra soat ho ngheo vao luc nao")

    with pytest.raises(StarterValidationError) as caught:
        load_starter(starter_copy({"faq/ra-soat.yaml": copy_question}))
    message = str(caught.value)
    assert "hop-dan-binh-xet" in message
    assert "ra-soat-dinh-ky-khi-nao" in message


def test_same_question_is_allowed_when_validity_windows_do_not_overlap(
    starter_copy: Callable[..., Path],
) -> None:
    def overlap(data: dict[str, Any]) -> None:
        _entry(data, "chuan-ngheo-thu-nhap-tu-2027")["applies_from"] = date(2026, 6, 1)

    # The shipped pair (until 2026-12-31 / from 2027-01-01) loads; making the windows overlap is refused.
    with pytest.raises(StarterValidationError) as caught:
        load_starter(starter_copy({"faq/chuan-ngheo.yaml": overlap}))
    assert "chuan-ngheo-thu-nhap-tu-2027" in str(caught.value)


def test_too_many_sentences_is_refused(starter_copy: Callable[..., Path]) -> None:
    def lengthen(data: dict[str, Any]) -> None:
        _entry(data, "lam-hai-nghe")["answer"] = "Câu một. Câu hai. Câu ba. Câu bốn."

    with pytest.raises(StarterValidationError) as caught:
        load_starter(starter_copy({"faq/ra-soat.yaml": lengthen}))
    message = str(caught.value)
    assert "lam-hai-nghe" in message
    assert "4 câu" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"questions": ["Một câu?", "Hai câu?"]}, "3–6 cách hỏi"),
        ({"answer": "x" * 601}, "tối đa 600"),
        ({"applies_from": date(2027, 1, 1), "applies_until": date(2026, 1, 1)}, "applies_until"),
        ({"topic": "chuan-ngheo"}, "khác tên tệp"),
        ({"citations": []}, "citations"),
    ],
)
def test_other_limits_are_refused(starter_copy: Callable[..., Path], change: dict[str, Any], expected: str) -> None:
    with pytest.raises(StarterValidationError) as caught:
        load_starter(starter_copy({"faq/ra-soat.yaml": lambda data: _entry(data, "lam-hai-nghe").update(change)}))
    assert "lam-hai-nghe" in str(caught.value)
    assert expected in str(caught.value)


def test_source_problems_are_refused(starter_copy: Callable[..., Path]) -> None:
    def break_sources(data: dict[str, Any]) -> None:
        sources = data["sources"]
        next(s for s in sources if s["number"] == "1676/VBHN-BLĐTBXH").pop("superseded_by")
        sources.append(dict(sources[0]))  # declared twice

    with pytest.raises(StarterValidationError) as caught:
        load_starter(starter_copy({"sources.yaml": break_sources}))
    message = str(caught.value)
    assert "1676/VBHN-BLĐTBXH" in message
    assert "superseded_by" in message
    assert "1315/VBHN-BLĐTBXH" in message
    assert "nhiều lần" in message
