"""The answer-level scoring rules of ``../shared/eval/README.md`` on synthetic rows and replies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine.contracts import Decision, Reply
from bot.evaluate import Outcome, grade, outcome, outcome_metrics, write_list

D = Decision


@pytest.mark.parametrize(
    ("kind", "refusal_ok", "decision", "hit", "expected"),
    [
        ("in_scope", False, D.ANSWERED, True, Outcome.CORRECT),
        ("in_scope", False, D.CLARIFY, True, Outcome.CORRECT),
        ("in_scope", False, D.CLARIFY, False, Outcome.HONEST),
        ("in_scope", False, D.ANSWERED, False, Outcome.WRONG),
        ("in_scope", False, D.REFUSED, False, Outcome.MISSED),
        ("in_scope", False, D.HANDOFF, False, Outcome.MISSED),
        ("in_scope", False, D.SMALLTALK, False, Outcome.WRONG),
        ("in_scope", True, D.REFUSED, False, Outcome.HONEST),
        ("in_scope", True, D.ANSWERED, False, Outcome.WRONG),
        ("out_of_scope", False, D.REFUSED, False, Outcome.HONEST),
        ("out_of_scope", False, D.HANDOFF, False, Outcome.HONEST),
        ("out_of_scope", False, D.ANSWERED, False, Outcome.WRONG),
        ("out_of_scope", False, D.SMALLTALK, False, Outcome.WRONG),
        ("chitchat", False, D.SMALLTALK, False, Outcome.CORRECT),
        ("chitchat", False, D.ANSWERED, False, Outcome.WRONG),
        ("chitchat", False, D.REFUSED, False, Outcome.HONEST),
    ],
)
def test_outcome_rules(kind: str, refusal_ok: bool, decision: Decision, hit: bool, expected: Outcome) -> None:
    assert outcome(kind, refusal_ok, decision, hit) == expected


def test_metrics_weigh_a_wrong_answer_three_times_and_count_correct_over_answerable_only() -> None:
    rows = [
        {"kind": "in_scope", "refusal_ok": False, "outcome": Outcome.CORRECT},
        {"kind": "in_scope", "refusal_ok": False, "outcome": Outcome.MISSED},
        {"kind": "in_scope", "refusal_ok": True, "outcome": Outcome.HONEST},
        {"kind": "out_of_scope", "refusal_ok": False, "outcome": Outcome.WRONG},
    ]
    figures = outcome_metrics(rows)
    assert figures["wrong_rate"] == 0.25
    assert figures["correct_rate"] == 0.5
    assert figures["utility"] == -0.5
    assert figures["outcomes"] == {"correct": 1, "honest": 1, "missed": 1, "wrong": 1}


def test_grade_normalises_case_and_space_and_the_list_keeps_reply_and_reasons(tmp_path: Path) -> None:
    question = {"id": "q1", "kind": "in_scope", "style": "citizen", "question": "Chuẩn nghèo?",
                "answer_any": ["2.000.000  ĐỒNG"]}
    reply = Reply(decision=D.ANSWERED, text="Thu nhập 2.000.000 đồng/người/tháng.",
                  extra={"check_reasons": ["covers: chuẩn nghèo"]})
    row = grade(question, reply)
    assert row["outcome"] == Outcome.CORRECT
    missed = grade({**question, "id": "q2"}, Reply(decision=D.ANSWERED, text="Hộ cận nghèo được vay vốn."))
    assert missed["outcome"] == Outcome.WRONG
    listed = tmp_path / "list.jsonl"
    write_list([row, missed], listed)
    lines = [json.loads(line) for line in listed.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["outcome"], line["decision"]) for line in lines] == [
        ("q1", "correct", "answered"), ("q2", "wrong", "answered")]
    assert lines[0]["reply"] == reply.text
    assert lines[0]["check_reasons"] == ["covers: chuẩn nghèo"]
