"""Answer-level evaluation on a questions file (``shared/eval/dev_questions.jsonl`` format).

Every question goes through ``AnswerEngine.handle`` as a new user, so no conversation context leaks between them.
- ``answer_rate``: in-scope questions answered.
- ``answer_hit``: in-scope questions answered with a reply containing one of ``answer_any`` (NFC, case-folded,
  white space collapsed on both sides).
- ``clarify_rate``: in-scope questions answered by a "Ý bạn là…?" choice.
- ``refusal_rate``: out-of-scope questions refused or handed off.
- ``smalltalk_rate``: chit-chat recognised as small talk.
- Outcomes (``../shared/eval/README.md``): every question is *correct*, *honest*, *missed* or *wrong*;
  ``wrong_rate`` over all questions, ``correct_rate`` over questions that have an answer (in scope, not
  ``refusal_ok``), ``utility`` the mean of +1 correct, 0 honest or missed, -3 wrong.
The same per style and per kind. Latency: the engine's own ``latency_ms`` (p50, p95) beside retrieval alone
(``Retriever.search``, k=10) on the same questions, so the two p95s can be compared.
"""

from __future__ import annotations

import enum
import json
import time
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.engine.answer_engine import AnswerEngine
from bot.engine.contracts import Decision, IncomingMessage, Reply
from indexer.contracts import Query
from indexer.embedders import Embedder
from indexer.retriever import Retriever

ANSWER_KEYS = ("answer_rate", "answer_hit", "clarify_rate", "refusal_rate", "smalltalk_rate")
OUTCOME_KEYS = ("wrong_rate", "correct_rate", "utility")


class Outcome(enum.StrEnum):
    """How one question ended, per the scoring rules of ``../shared/eval/README.md``."""

    CORRECT = "correct"
    HONEST = "honest"
    MISSED = "missed"
    WRONG = "wrong"


UTILITY = {Outcome.CORRECT: 1, Outcome.HONEST: 0, Outcome.MISSED: 0, Outcome.WRONG: -3}
"""A wrong answer costs three times what a correct one earns: a citizen acts on it."""

_REFUSALS = (Decision.REFUSED, Decision.HANDOFF)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def read_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def hits_answer(reply: Reply, answer_any: Iterable[str]) -> bool:
    text = normalise(reply.text)
    return any(normalise(answer) in text for answer in answer_any)


def _rate(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def has_answer(kind: str, refusal_ok: bool) -> bool:
    """Whether the knowledge holds the answer: in scope and not marked as rightly refused."""
    return kind == "in_scope" and not refusal_ok


def outcome(kind: str, refusal_ok: bool, decision: Decision, hit: bool) -> Outcome:
    """The outcome of one reply (``hit``: its text contains one of ``answer_any``)."""
    if kind == "chitchat":
        if decision == Decision.SMALLTALK:
            return Outcome.CORRECT
        return Outcome.WRONG if decision == Decision.ANSWERED else Outcome.HONEST
    if decision == Decision.SMALLTALK:
        return Outcome.WRONG
    if has_answer(kind, refusal_ok):
        if decision in (Decision.ANSWERED, Decision.CLARIFY) and hit:
            return Outcome.CORRECT
        if decision == Decision.CLARIFY:
            return Outcome.HONEST
        return Outcome.MISSED if decision in _REFUSALS else Outcome.WRONG
    return Outcome.WRONG if decision == Decision.ANSWERED else Outcome.HONEST


def outcome_metrics(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``wrong_rate``, ``correct_rate``, ``utility`` and the outcome counts of graded rows
    (``kind``, ``refusal_ok``, ``outcome``)."""
    answerable = [r for r in rows if has_answer(r["kind"], r.get("refusal_ok", False))]
    utility = round(sum(UTILITY[Outcome(r["outcome"])] for r in rows) / len(rows), 4) if rows else None
    return {
        "wrong_rate": _rate([r["outcome"] == Outcome.WRONG for r in rows]),
        "correct_rate": _rate([r["outcome"] == Outcome.CORRECT for r in answerable]),
        "utility": utility,
        "outcomes": {str(o): sum(r["outcome"] == o for r in rows) for o in Outcome},
        "n": len(rows),
    }


def answer_metrics(rows: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """The answer-level rates of graded rows (``kind``, ``decision``, ``hit``)."""
    in_scope = [r for r in rows if r["kind"] == "in_scope"]
    out = [r for r in rows if r["kind"] == "out_of_scope"]
    chat = [r for r in rows if r["kind"] == "chitchat"]
    return {
        "answer_rate": _rate([r["decision"] == Decision.ANSWERED for r in in_scope]),
        "answer_hit": _rate([r["decision"] == Decision.ANSWERED and r["hit"] for r in in_scope]),
        "clarify_rate": _rate([r["decision"] == Decision.CLARIFY for r in in_scope]),
        "refusal_rate": _rate([r["decision"] in (Decision.REFUSED, Decision.HANDOFF) for r in out]),
        "smalltalk_rate": _rate([r["decision"] == Decision.SMALLTALK for r in chat]),
    }


def _percentile(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 2) if values else None


def grade(question: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """One question's graded row: outcome, decision, reply text and the answerability check's reasons."""
    refusal_ok = bool(question.get("refusal_ok", False))
    hit = hits_answer(reply, question.get("answer_any", []))
    reasons = reply.extra.get("check_reasons", [])
    return {
        "id": question["id"],
        "kind": question["kind"],
        "style": question.get("style", ""),
        "refusal_ok": refusal_ok,
        "question": question["question"],
        "decision": reply.decision,
        "hit": hit,
        "outcome": outcome(question["kind"], refusal_ok, reply.decision, hit),
        "reply": reply.text,
        "check_reasons": list(reasons) if isinstance(reasons, list | tuple) else [str(reasons)],
        "latency_ms": reply.latency_ms,
    }


def _grouped(rows: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {value: {**answer_metrics(group), **outcome_metrics(group)}
            for value in sorted({r[key] for r in rows}) for group in [[r for r in rows if r[key] == value]]}


def write_list(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Every graded row as one JSON line (outcome, decision, reply, check reasons), to read failures one by one."""
    keep = ("id", "kind", "style", "outcome", "decision", "question", "reply", "check_reasons", "hit")
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({key: str(row[key]) if key in ("outcome", "decision") else row[key]
                                     for key in keep}, ensure_ascii=False) + "\n")


def evaluate_answers(engine: AnswerEngine, questions: Sequence[dict[str, Any]], embedder: Embedder) -> dict[str, Any]:
    """Run every question through ``engine`` and return the metrics (overall, per style) and latencies.

    Retrieval alone is timed on its own freshly loaded copy of the live snapshot (``embedder``: the engine's), so
    neither measurement profits from the other's query cache; both are warmed up with one question first.
    """
    run = uuid.uuid4().hex[:8]
    retrieval = retrieval_latencies(engine, embedder, [q["question"] for q in questions])
    engine.handle(IncomingMessage(channel="eval", user_key=f"eval-{run}-warmup", text="Chuẩn nghèo là gì?"))
    rows = []
    for question in questions:
        reply = engine.handle(
            IncomingMessage(channel="eval", user_key=f"eval-{run}-{question['id']}", text=question["question"])
        )
        rows.append(grade(question, reply))
    engine_latencies = [r["latency_ms"] for r in rows]
    return {
        **answer_metrics(rows),
        **outcome_metrics(rows),
        "per_style": _grouped(rows, "style"),
        "per_kind": _grouped(rows, "kind"),
        "engine_p50_ms": _percentile(engine_latencies, 50),
        "engine_p95_ms": _percentile(engine_latencies, 95),
        "retrieval_p95_ms": _percentile(retrieval, 95),
        "questions": len(rows),
        "rows": [{**r, "decision": str(r["decision"]), "outcome": str(r["outcome"])} for r in rows],
    }


def retrieval_latencies(engine: AnswerEngine, embedder: Embedder, texts: Sequence[str], k: int = 10) -> list[float]:
    live = engine.retriever()
    snapshot = live.snapshot_dir
    retriever = Retriever.load(snapshot, embedder, live.config) if snapshot is not None else live
    retriever.search(Query(text="Chuẩn nghèo là gì?"), k)
    timings = []
    for text in texts:
        started = time.perf_counter()
        retriever.search(Query(text=text), k)
        timings.append((time.perf_counter() - started) * 1000)
    return timings
