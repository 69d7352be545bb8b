"""The retrieval API the engine calls: hybrid search over one loaded snapshot, and the hot-swapping live index.

A query is normalised; when typed without diacritics they are restored (the snapshot's restorer) for the dense and
word signals, while the accent-free BM25 index matches the bare syllables as typed. Each signal returns its
``DEPTH`` best candidates, ranks are fused, near-duplicate passages (the same clause in an original text and its
consolidated version) are dropped, and the top ``k`` come back as ``Hit``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer import fusion
from indexer.bm25 import LexicalIndex, plain_terms, word_terms
from indexer.contracts import DocumentRef, FaqHit, Hit, Query, SearchFilters
from indexer.embedders import Embedder
from indexer.faiss_store import DenseIndex
from indexer.mentions import DocumentKey, document_keys, keys_of
from indexer.records import FaqQuestion, PassageRecord
from indexer.snapshot import (
    BM25_PLAIN,
    BM25_WORDS,
    DENSE,
    FAQ_DENSE,
    FAQ_PLAIN,
    FAQ_WORDS,
    POINTER,
    RESTORER,
    Manifest,
    SnapshotError,
    live_snapshot,
    load_records,
    verify_checksums,
)
from nlu.diacritics import DiacriticRestorer, has_diacritics
from nlu.normalize import normalize_text
from nlu.tokenize import tokenize

PREPARED_CACHE = 256
MASK_CACHE = 64


@dataclass(frozen=True)
class RetrievalConfig:
    """How signals are combined; the defaults are the ones chosen on the dev questions."""

    fusion: str = "weighted"
    """"rrf" (reciprocal rank fusion) or "weighted" (min-max normalised scores)."""
    weights: dict[str, float] = field(
        default_factory=lambda: {"dense": 1.0, "bm25": 1.0, "bm25_plain": 1.0, "document": 1.0})
    depth: int = 50
    """Candidates each signal contributes before fusion."""
    rrf_k: int = 60
    plain_for_accented: bool = False
    """Use the accent-free BM25 signal for questions typed with diacritics too (by default only without)."""
    duplicate_jaccard: float = 0.8
    """Word-trigram overlap above which a lower-ranked passage counts as a duplicate of a kept one."""


@dataclass(frozen=True)
class _Prepared:
    vector: np.ndarray
    words: list[str]
    plain: list[str]
    bare: bool
    """The question was typed (mostly) without diacritics."""


class ModelMismatchError(SnapshotError):
    """The snapshot was built with another embedding model than the one configured."""


@dataclass(frozen=True)
class SnapshotData:
    """A snapshot's contents in memory: what ``Retriever`` searches."""

    manifest: Manifest
    documents: dict[int, DocumentRef]
    passages: list[PassageRecord]
    faq_questions: list[FaqQuestion]
    dense: DenseIndex
    words: LexicalIndex
    plain: LexicalIndex
    faq_dense: DenseIndex
    faq_words: LexicalIndex
    faq_plain: LexicalIndex
    restorer: DiacriticRestorer

    @classmethod
    def read(cls, snapshot_dir: Path) -> SnapshotData:
        manifest = Manifest.read(snapshot_dir)
        verify_checksums(snapshot_dir, manifest)
        documents, passages, questions = load_records(snapshot_dir)
        return cls(
            manifest, documents, passages, questions,
            DenseIndex.load(snapshot_dir / DENSE),
            LexicalIndex.load(snapshot_dir / BM25_WORDS, len(passages)),
            LexicalIndex.load(snapshot_dir / BM25_PLAIN, len(passages)),
            DenseIndex.load(snapshot_dir / FAQ_DENSE),
            LexicalIndex.load(snapshot_dir / FAQ_WORDS, len(questions)),
            LexicalIndex.load(snapshot_dir / FAQ_PLAIN, len(questions)),
            DiacriticRestorer.load(snapshot_dir / RESTORER),
        )


class Retriever:
    def __init__(self, data: SnapshotData, embedder: Embedder, config: RetrievalConfig | None = None,
                 snapshot_dir: Path | None = None) -> None:
        self.snapshot_dir = snapshot_dir
        self.manifest = data.manifest
        self.revision = data.manifest.revision
        self.config = config or RetrievalConfig()
        self.documents = data.documents
        self.passages = data.passages
        self.faq_questions = data.faq_questions
        self.restorer = data.restorer
        self._data = data
        self._embedder = embedder
        self._row_of_id = {p.id: row for row, p in enumerate(self.passages)}
        self._ids = np.array([p.id for p in self.passages], dtype=np.int64)
        self._document_of_row = np.array([p.document_id for p in self.passages], dtype=np.int64)
        self._masks: dict[SearchFilters, np.ndarray] = {}
        self._documents_by_key: dict[DocumentKey, set[int]] = {}
        for document in self.documents.values():
            for key in keys_of([document.number, *document.aliases]):
                self._documents_by_key.setdefault(key, set()).add(document.id)
        self._shingles: dict[int, frozenset[str]] = {}
        self._prepared: OrderedDict[tuple[str, tuple[str, ...]], _Prepared] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, snapshot_dir: Path, embedder: Embedder, config: RetrievalConfig | None = None) -> Retriever:
        """Open a snapshot; refuses one built by another embedding model, or damaged files."""
        manifest = Manifest.read(snapshot_dir)
        if manifest.model_id != embedder.model_id or manifest.dim != embedder.dim:
            raise ModelMismatchError(
                f"Chỉ mục {snapshot_dir.name} được tạo bằng mô hình {manifest.model_id} ({manifest.dim} chiều), "
                f"nhưng cấu hình đang dùng {embedder.model_id} ({embedder.dim} chiều). "
                "Hãy chạy «loa index build» để tạo lại chỉ mục, hoặc đặt lại LOA_EMBEDDER/LOA_EMBEDDER_MODEL."
            )
        return cls(SnapshotData.read(snapshot_dir), embedder, config, snapshot_dir)

    def prepare(self, query: Query) -> tuple[str, list[str]]:
        """The accented text used for dense and word matching, and the accent-free syllables of the question."""
        text = normalize_text(query.text)
        variants = [normalize_text(v) for v in query.variants if v.strip()]
        accented = next((v for v in [text, *variants] if has_diacritics(v)), "")
        if not accented or _mostly_bare(text):
            accented = next((v for v in variants if has_diacritics(v)), "") or self.restorer.restore(text)
        return accented, plain_terms(tokenize(text))

    def _prepare_cached(self, query: Query, clock: _Stopwatch | None = None) -> _Prepared:
        """Query forms, tokens and embedding, cached: the engine searches passages and FAQ with one question."""
        key = (query.text, query.variants)
        with self._lock:
            cached = self._prepared.get(key)
            if cached is not None:
                self._prepared.move_to_end(key)
                return cached
        accented, plain = self.prepare(query)
        words = word_terms(tokenize(accented))
        if clock is not None:
            clock.lap("prepare")
        bare = _mostly_bare(normalize_text(query.text))
        prepared = _Prepared(self._embedder.embed_queries([accented])[0], words, plain, bare)
        if clock is not None:
            clock.lap("embed")
        with self._lock:
            self._prepared[key] = prepared
            if len(self._prepared) > PREPARED_CACHE:
                self._prepared.popitem(last=False)
        return prepared

    def search(self, query: Query, k: int = 10) -> list[Hit]:
        """The ``k`` best passages for ``query`` (after filters and near-duplicate removal), best first."""
        return self.search_timed(query, k)[0]

    def search_timed(self, query: Query, k: int = 10) -> tuple[list[Hit], dict[str, float]]:
        """``search`` and the milliseconds spent per stage: prepare, embed, dense, bm25, fusion."""
        clock = _Stopwatch()
        prepared = self._prepare_cached(query, clock)
        mask = self._mask(query.filters)
        if mask is not None and not mask.any():
            return [], clock.laps
        depth = max(self.config.depth, k)
        allowed = self._ids[mask] if mask is not None else None
        dense_ids, dense_scores = self._data.dense.search(prepared.vector, depth, allowed)
        dense_rows = [self._row_of_id[int(i)] for i in dense_ids]
        clock.lap("dense")
        word_rows, word_scores = self._data.words.search(prepared.words, depth, mask)
        plain = prepared.plain if prepared.bare or self.config.plain_for_accented else []
        plain_rows, plain_scores = self._data.plain.search(plain, depth, mask)
        clock.lap("bm25")
        signals = {
            "dense": dict(zip(dense_rows, dense_scores.tolist(), strict=True)),
            "bm25": dict(zip(word_rows.tolist(), word_scores.tolist(), strict=True)),
            "bm25_plain": dict(zip(plain_rows.tolist(), plain_scores.tolist(), strict=True)),
        }
        mentioned = self._mentioned_passages(query, mask)
        if mentioned is not None:
            ids, scores = self._data.dense.search(prepared.vector, depth, mentioned)
            signals["document"] = {self._row_of_id[int(i)]: s for i, s in zip(ids, scores.tolist(), strict=True)}
        fused = self._fuse(signals)
        hits: list[Hit] = []
        kept: list[int] = []
        for row in sorted(fused, key=lambda r: -fused[r]):
            if self._duplicate(row, kept):
                continue
            kept.append(row)
            passage = self.passages[row]
            hits.append(Hit(
                passage_id=passage.id, score=fused[row],
                signals={name: by_row[row] for name, by_row in signals.items() if row in by_row},
                locator=passage.locator, heading_path=passage.heading_path, text=passage.text,
                document=self.documents[passage.document_id],
            ))
            if len(hits) == k:
                break
        clock.lap("fusion")
        return hits, clock.laps

    def search_faq(self, query: Query, k: int = 5) -> list[FaqHit]:
        """The ``k`` published FAQ entries whose questions best match ``query`` (one hit per entry)."""
        if not self.faq_questions:
            return []
        prepared = self._prepare_cached(query)
        depth = max(self.config.depth, k)
        dense_rows, dense_scores = self._data.faq_dense.search(prepared.vector, depth)
        word_rows, word_scores = self._data.faq_words.search(prepared.words, depth)
        plain = prepared.plain if prepared.bare or self.config.plain_for_accented else []
        plain_rows, plain_scores = self._data.faq_plain.search(plain, depth)
        signals = {
            "dense": dict(zip(dense_rows.tolist(), dense_scores.tolist(), strict=True)),
            "bm25": dict(zip(word_rows.tolist(), word_scores.tolist(), strict=True)),
            "bm25_plain": dict(zip(plain_rows.tolist(), plain_scores.tolist(), strict=True)),
        }
        fused = self._fuse(signals)
        hits: list[FaqHit] = []
        seen: set[int] = set()
        for row in sorted(fused, key=lambda r: -fused[r]):
            question: FaqQuestion = self.faq_questions[row]
            if question.faq_id in seen:
                continue
            seen.add(question.faq_id)
            hits.append(FaqHit(question.faq_id, fused[row], question.question,
                               {name: by_row[row] for name, by_row in signals.items() if row in by_row}))
            if len(hits) == k:
                break
        return hits

    def _fuse(self, signals: dict[str, dict[int, float]]) -> dict[int, float]:
        if self.config.fusion == "weighted":
            return fusion.weighted(signals, self.config.weights)
        rankings = {name: sorted(by_row, key=lambda r: -by_row[r]) for name, by_row in signals.items()}
        return fusion.rrf(rankings, self.config.weights, self.config.rrf_k)

    def _mentioned_passages(self, query: Query, mask: np.ndarray | None) -> np.ndarray | None:
        """Ids of the passages of documents the question names by number (within the filters), if any."""
        documents: set[int] = set()
        for text in (query.text, *query.variants):
            for key in document_keys(text):
                documents |= self._documents_by_key.get(key, set())
        if not documents:
            return None
        chosen = np.isin(self._document_of_row, list(documents))
        if mask is not None:
            chosen &= mask
        return self._ids[chosen] if chosen.any() else None

    def _mask(self, filters: SearchFilters) -> np.ndarray | None:
        if filters == SearchFilters():
            return None
        mask = self._masks.get(filters)
        if mask is None:
            allowed = [d.id for d in self.documents.values() if _matches(d, filters)]
            mask = np.isin(self._document_of_row, allowed)
            if len(self._masks) < MASK_CACHE:
                self._masks[filters] = mask
        return mask

    def _duplicate(self, row: int, kept: list[int]) -> bool:
        if not kept:
            return False
        mine = self._shingle(row)
        for other in kept:
            theirs = self._shingle(other)
            union = len(mine | theirs)
            if union and len(mine & theirs) / union >= self.config.duplicate_jaccard:
                return True
        return False

    def _shingle(self, row: int) -> frozenset[str]:
        shingles = self._shingles.get(row)
        if shingles is None:
            words = self.passages[row].text.casefold().split()
            shingles = frozenset(" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2)))
            self._shingles[row] = shingles
        return shingles


class _Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self._last) * 1000
        self._last = now


def _matches(document: DocumentRef, filters: SearchFilters) -> bool:
    if filters.statuses is not None and document.status not in filters.statuses:
        return False
    if filters.kinds is not None and document.kind not in filters.kinds:
        return False
    if filters.province is not None and document.province not in (None, filters.province):
        return False
    return filters.period is None or document.period in (None, filters.period)


def _mostly_bare(text: str) -> bool:
    """True when most Vietnamese-looking words carry no diacritics (a question typed on a bare keyboard)."""
    words = [w for w in text.split() if w.isalpha()]
    if not words:
        return False
    return sum(1 for w in words if has_diacritics(w)) * 4 < len(words)


class LiveIndex:
    """The live snapshot for a long-running server: swaps to a newer one without dropping requests.

    ``current()`` stats the pointer file at most every ``check_every`` seconds; a new snapshot is loaded in the
    calling thread while others keep using the old one, and a snapshot that fails to load is skipped (the old one
    keeps serving) until the pointer changes again.
    """

    def __init__(self, index_dir: Path, embedder: Embedder, check_every: float = 2.0,
                 config: RetrievalConfig | None = None) -> None:
        self._index_dir = index_dir
        self._embedder = embedder
        self._check_every = check_every
        self._config = config
        self._lock = threading.Lock()
        self._retriever: Retriever | None = None
        self._seen: tuple[int, int] | None = None
        self._checked_at = 0.0
        self.last_error: str | None = None
        self._refresh()
        if self._retriever is None:
            raise SnapshotError(self.last_error or f"chưa có chỉ mục trong {index_dir}: hãy chạy «loa index build»")

    def current(self) -> Retriever:
        if time.monotonic() - self._checked_at >= self._check_every and self._lock.acquire(blocking=False):
            try:
                self._refresh()
            finally:
                self._lock.release()
        assert self._retriever is not None
        return self._retriever

    def _refresh(self) -> None:
        self._checked_at = time.monotonic()
        try:
            stat = (self._index_dir / POINTER).stat()
        except FileNotFoundError:
            self.last_error = f"chưa có chỉ mục trong {self._index_dir}: hãy chạy «loa index build»"
            return
        signature = (stat.st_mtime_ns, stat.st_ino)
        if signature == self._seen:
            return
        self._seen = signature
        snapshot = live_snapshot(self._index_dir)
        if snapshot is None or (self._retriever is not None and snapshot == self._retriever.snapshot_dir):
            return
        try:
            self._retriever = Retriever.load(snapshot, self._embedder, self._config)
            self.last_error = None
        except (SnapshotError, OSError, ValueError) as error:
            self.last_error = str(error)
