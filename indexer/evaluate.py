"""Retrieval quality: recall@1/5/10 and MRR@10 over labelled questions, per style, with query latency.

Two kinds of labels: the dev-question format (a passage is relevant when it contains an evidence string, compared
after NFC, case-folding and white-space collapsing) and the XQuAD layout (``qrels.tsv`` names the relevant passage
ids), indexed in a throwaway snapshot with the same pipeline as the knowledge base.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.contracts import DocumentRef, Hit, Query
from indexer.embedders import Embedder
from indexer.records import PassageRecord
from indexer.retriever import RetrievalConfig, Retriever
from indexer.snapshot import SnapshotSource, live_snapshot, write_snapshot

CUTOFFS = (1, 5, 10)
_SPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """NFC, case-folded, white space collapsed: how evidence and passages are compared."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    question: str
    style: str
    is_relevant: Callable[[Hit], bool]


def load_dev_questions(path: Path) -> tuple[list[LabelledQuestion], int]:
    """In-scope questions with evidence strings, and how many in-scope questions the file has in all."""
    questions = []
    in_scope = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("kind", "in_scope") != "in_scope":
            continue
        in_scope += 1
        evidence = [comparable(e) for e in row.get("evidence") or [] if e.strip()]
        if evidence:
            questions.append(LabelledQuestion(str(row["id"]), row["question"], row.get("style", ""),
                                              _contains_any(evidence)))
    return questions, in_scope


def _contains_any(evidence: list[str]) -> Callable[[Hit], bool]:
    return lambda hit: any(e in comparable(hit.text) for e in evidence)


def evaluate(retriever: Retriever, questions: Iterable[LabelledQuestion], k: int = 10) -> dict[str, Any]:
    """Recall@1/5/10, MRR@10 overall and per style, and latency percentiles of ``retriever.search``."""
    ranks: list[int | None] = []
    styles: list[str] = []
    latencies: list[float] = []
    for question in questions:
        started = time.perf_counter()
        hits = retriever.search(Query(text=question.question), k=max(k, 10))
        latencies.append((time.perf_counter() - started) * 1000)
        rank = next((i for i, hit in enumerate(hits, start=1) if question.is_relevant(hit)), None)
        ranks.append(rank)
        styles.append(question.style)
    result: dict[str, Any] = dict(_metrics(ranks))
    result["by_style"] = {
        style: _metrics([r for r, s in zip(ranks, styles, strict=True) if s == style]) | {"n": styles.count(style)}
        for style in sorted(set(styles))
    }
    result["latency_ms"] = _percentiles(latencies)
    result["n_evaluated"] = len(ranks)
    return result


def evaluate_questions(retriever: Retriever, path: Path, k: int = 10) -> dict[str, Any]:
    """``loa eval questions``: the dev-question format against a loaded snapshot."""
    questions, in_scope = load_dev_questions(path)
    return evaluate(retriever, questions, k) | {"n_in_scope": in_scope}


def evaluate_live(index_dir: Path, embedder: Embedder, path: Path, k: int = 10,
                  config: RetrievalConfig | None = None) -> dict[str, Any]:
    snapshot = live_snapshot(index_dir)
    if snapshot is None:
        raise FileNotFoundError(f"chưa có chỉ mục trong {index_dir}: hãy chạy «loa index build»")
    return evaluate_questions(Retriever.load(snapshot, embedder, config), path, k)


def xquad_source(directory: Path) -> tuple[SnapshotSource, list[LabelledQuestion]]:
    """An XQuAD-style folder as a snapshot source (one document per passage) and its labelled questions."""
    documents: dict[int, DocumentRef] = {}
    passages: list[PassageRecord] = []
    ids: dict[str, int] = {}
    for number, line in enumerate((directory / "corpus.jsonl").read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        ids[str(row["passage_id"])] = number
        documents[number] = DocumentRef(
            id=number, slug=str(row["passage_id"]), number=None, title=(row.get("title") or "").replace("_", " "),
            doc_type="passage",
            kind="reference", issuer=None, issued_on=None, effective_from=None, status="in_force", period=None,
            province=None, superseded_by=None, source_url=None)
        passages.append(PassageRecord(number, number, "", (), row["text"]))
    relevant: dict[str, set[int]] = {}
    with (directory / "qrels.tsv").open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) >= 2 and row[1] in ids and (len(row) < 3 or row[2].strip() not in ("0", "")):
                relevant.setdefault(row[0], set()).add(ids[row[1]])
    questions = []
    for line in (directory / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            wanted = relevant.get(str(row["query_id"]))
            if wanted:
                questions.append(LabelledQuestion(str(row["query_id"]), row["question"], "xquad",
                                                  _passage_in(frozenset(wanted))))
    return SnapshotSource(0, documents, passages, []), questions


def _passage_in(wanted: frozenset[int]) -> Callable[[Hit], bool]:
    return lambda hit: hit.passage_id in wanted


def evaluate_passages(directory: Path, embedder: Embedder, k: int = 10,
                      config: RetrievalConfig | None = None) -> dict[str, Any]:
    """``loa eval passages``: build a throwaway index of the folder's corpus and score its queries."""
    source, questions = xquad_source(directory)
    with tempfile.TemporaryDirectory(prefix="loa-eval-") as scratch:
        write_snapshot(source, Path(scratch), embedder)
        snapshot = live_snapshot(Path(scratch))
        assert snapshot is not None
        result = evaluate(Retriever.load(snapshot, embedder, config), questions, k)
    return result | {"n_in_scope": len(questions)}


def _metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    if not n:
        return {f"recall@{c}": 0.0 for c in CUTOFFS} | {"mrr@10": 0.0}
    metrics = {f"recall@{c}": round(sum(1 for r in ranks if r is not None and r <= c) / n, 4) for c in CUTOFFS}
    metrics["mrr@10"] = round(sum(1 / r for r in ranks if r is not None and r <= 10) / n, 4)
    return metrics


def _percentiles(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {"p50": 0.0, "p95": 0.0}
    values = np.asarray(latencies)
    return {"p50": round(float(np.percentile(values, 50)), 2), "p95": round(float(np.percentile(values, 95)), 2)}
