"""The starter FAQ alone against the dev questions (a content check; the engine is measured separately)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge_base.starter import StarterKnowledge
from knowledge_base.starter.coverage import EvalQuestion, answer_coverage, read_questions


def test_starter_answers_most_dev_questions_on_its_own(starter: StarterKnowledge, shared_dir: Path) -> None:
    questions = read_questions(shared_dir / "eval" / "dev_questions.jsonl")
    report = answer_coverage(starter, questions, date(2026, 11, 23))

    assert report["questions"] == len(questions) >= 100
    assert report["answer_rate"] >= 0.55
    # Facts-file-only questions (no corpus passage answers them) must be covered by the starter.
    assert {"dev-123", "dev-128", "dev-132", "dev-141", "dev-147"} <= set(report["answered_ids"])


def test_a_wrong_expectation_is_not_counted(starter: StarterKnowledge) -> None:
    questions = [
        EvalQuestion("q1", "chuan ngheo hien nay la bao nhieu tien", ("1.500.000",)),
        EvalQuestion("q2", "chuan ngheo hien nay la bao nhieu tien", ("9.999.999",)),
    ]
    now = answer_coverage(starter, questions, date(2026, 11, 23))
    later = answer_coverage(starter, questions, date(2027, 6, 1))

    assert now["answered_ids"] == ["q1"]
    assert later["answered_ids"] == []
