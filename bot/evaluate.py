"""Answer-level evaluation on a questions file (``shared/eval/dev_questions.jsonl`` format).

Every question goes through ``AnswerEngine.handle`` as a new user, so no conversation context leaks between them.
- ``answer_rate``: in-scope questions answered.
- ``answer_hit``: in-scope questions answered with a reply containing one of ``answer_any`` (NFC, case-folded,
  white space collapsed on both sides).
- ``clarify_rate``: in-scope questions answered by a "Ý bạn là…?" choice.
- ``refusal_rate``: out-of-scope questions refused or handed off.
- ``smalltalk_rate``: chit-chat recognised as small talk.
The same per style. Latency: the engine's own ``latency_ms`` (p50, p95) beside retrieval alone
(``Retriever.search``, k=10) on the same questions, so the two p95s can be compared.
"""

from __future__ import annotations

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


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def read_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def hits_answer(reply: Reply, answer_any: Iterable[str]) -> bool:
    text = normalise(reply.text)
    return any(normalise(answer) in text for answer in answer_any)


def _rate(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


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
        rows.append(
            {
                "id": question["id"],
                "kind": question["kind"],
                "style": question.get("style", ""),
                "decision": reply.decision,
                "hit": hits_answer(reply, question.get("answer_any", [])),
                "latency_ms": reply.latency_ms,
            }
        )
    engine_latencies = [r["latency_ms"] for r in rows]
    styles = sorted({r["style"] for r in rows})
    return {
        **answer_metrics(rows),
        "per_style": {style: answer_metrics([r for r in rows if r["style"] == style]) for style in styles},
        "engine_p50_ms": _percentile(engine_latencies, 50),
        "engine_p95_ms": _percentile(engine_latencies, 95),
        "retrieval_p95_ms": _percentile(retrieval, 95),
        "questions": len(rows),
        "rows": [{**r, "decision": str(r["decision"])} for r in rows],
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
