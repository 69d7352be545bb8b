"""Index snapshots: one directory per knowledge-base revision, built beside the live one and switched atomically.

Layout of ``<index_dir>``::

    LIVE                 name of the live snapshot directory (replaced with os.replace: readers never see half)
    <revision>/          manifest.json, passages.json, dense.faiss, faq.faiss, bm25_*/, restorer.npz
    .build-<random>/     a build in progress; removed when it fails or is interrupted

A build reuses the vectors and word tokens of unchanged passages from the live snapshot (same text, same model),
so editing one document re-embeds only that document's passages; vectors the project ships
(``indexer/vector_cache.py``) fill in what the live snapshot does not have, so a first build embeds only texts
that are not shipped.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from indexer.bm25 import LexicalIndex, plain_terms, word_terms
from indexer.contracts import DocumentRef
from indexer.embedders import EMBED_BATCH, Embedder
from indexer.faiss_store import DenseIndex
from indexer.records import FaqQuestion, PassageRecord, document_from_json, document_to_json
from indexer.vector_cache import SHIPPED_VECTORS, load_vectors, text_key
from knowledge_base.db import SessionFactory
from knowledge_base.models import Document, Faq, FaqStatus, Passage
from knowledge_base.services.revision import current_revision
from nlu.diacritics import DiacriticRestorer, base_training_sentences
from nlu.tokenize import tokenize

FORMAT_VERSION = 2
POINTER = "LIVE"
MANIFEST = "manifest.json"
RECORDS = "passages.json"
DENSE = "dense.faiss"
FAQ_DENSE = "faq.faiss"
BM25_WORDS = "bm25_words"
BM25_PLAIN = "bm25_plain"
FAQ_WORDS = "faq_bm25_words"
FAQ_PLAIN = "faq_bm25_plain"
RESTORER = "restorer.npz"

Progress = Callable[[int, int], None]


class SnapshotError(RuntimeError):
    """A snapshot is missing, damaged or was built by another embedding model."""


@dataclass(frozen=True)
class Manifest:
    revision: int
    model_id: str
    dim: int
    passages: int
    faqs: int
    faq_questions: int
    documents: int
    dense: str
    built_at: str
    build_seconds: float
    embedded: int
    """Texts embedded by this build; the others were reused from the previous snapshot."""
    checksums: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @classmethod
    def read(cls, snapshot_dir: Path) -> Manifest:
        try:
            data = json.loads((snapshot_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SnapshotError(f"không đọc được {snapshot_dir / MANIFEST}: {error}") from error
        if data.get("format_version") != FORMAT_VERSION:
            raise SnapshotError(f"chỉ mục {snapshot_dir} có định dạng {data.get('format_version')}, "
                                f"phiên bản này cần {FORMAT_VERSION}: hãy chạy lại «loa index build»")
        return cls(**data)


@dataclass(frozen=True)
class SnapshotSource:
    """Everything a snapshot is built from, already read out of the knowledge base (or another corpus)."""

    revision: int
    documents: dict[int, DocumentRef]
    passages: list[PassageRecord]
    faq_questions: list[FaqQuestion]


@dataclass(frozen=True)
class IndexStatus:
    live: bool
    revision: int | None
    model_id: str | None
    passages: int
    faqs: int
    built_at: str | None
    kb_revision: int
    stale: bool
    """The knowledge base has changed since the live snapshot was built (or there is none)."""
    snapshot: str | None


def document_ref(document: Document) -> DocumentRef:
    return DocumentRef(
        id=document.id, slug=document.slug, number=document.number, title=document.title,
        doc_type=document.doc_type, kind=document.kind.value, issuer=document.issuer,
        issued_on=document.issued_on, effective_from=document.effective_from, status=document.status.value,
        period=document.period, province=document.province, superseded_by=document.superseded_by,
        source_url=document.source_url, aliases=tuple(document.consolidates or ()),
    )


def read_knowledge_base(session_factory: SessionFactory) -> SnapshotSource:
    """Published FAQ questions and the passages of documents not retired, at one revision (one transaction)."""
    with session_factory() as session, session.begin():
        revision = current_revision(session)
        live = session.scalars(select(Document).where(Document.retired.is_(False)))
        documents = {d.id: document_ref(d) for d in live}
        rows = session.scalars(
            select(Passage).where(Passage.document_id.in_(documents)).order_by(Passage.document_id, Passage.order)
        )
        passages = [PassageRecord(p.id, p.document_id, p.locator, tuple(p.heading_path or ()), p.text) for p in rows]
        faqs = session.scalars(select(Faq).where(Faq.status == FaqStatus.PUBLISHED).order_by(Faq.id))
        questions = [FaqQuestion(faq.id, q) for faq in faqs for q in faq.questions if q.strip()]
    return SnapshotSource(revision, documents, passages, questions)


def live_snapshot(index_dir: Path) -> Path | None:
    """The directory the live pointer names, or None before the first build."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return index_dir / name if name else None


def build_index(session_factory: SessionFactory, index_dir: Path, embedder: Embedder, *,
                on_progress: Progress | None = None, shipped_vectors: Path | None = SHIPPED_VECTORS) -> Manifest:
    """Build a snapshot of the current knowledge base and make it live (see the module docstring)."""
    return write_snapshot(read_knowledge_base(session_factory), index_dir, embedder, on_progress=on_progress,
                          shipped_vectors=shipped_vectors)


def index_status(session_factory: SessionFactory, index_dir: Path) -> IndexStatus:
    with session_factory() as session:
        kb_revision = current_revision(session)
    snapshot = live_snapshot(index_dir)
    if snapshot is None or not (snapshot / MANIFEST).is_file():
        return IndexStatus(False, None, None, 0, 0, None, kb_revision, True, None)
    manifest = Manifest.read(snapshot)
    return IndexStatus(True, manifest.revision, manifest.model_id, manifest.passages, manifest.faqs,
                       manifest.built_at, kb_revision, kb_revision != manifest.revision, snapshot.name)


def write_snapshot(source: SnapshotSource, index_dir: Path, embedder: Embedder, *,
                   on_progress: Progress | None = None, hnsw: bool | None = None,
                   shipped_vectors: Path | None = None) -> Manifest:
    """Write ``source`` as a new snapshot and switch the live pointer to it; on any error the live one stays.

    ``shipped_vectors``: a vector file (``indexer.vector_cache``) to take vectors from when the live snapshot has
    none for a text."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir):
        started = time.perf_counter()
        work = index_dir / f".build-{uuid.uuid4().hex[:12]}"
        work.mkdir()
        try:
            reuse = _Reuse.from_live(index_dir, embedder.model_id)
            if shipped_vectors is not None:
                reuse.add_missing(load_vectors(embedder.model_id, shipped_vectors))
            manifest = _write(source, work, embedder, reuse, on_progress, hnsw, started)
            final = _final_name(index_dir, source.revision)
            os.rename(work, final)
            _point_to(index_dir, final.name)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _prune(index_dir, keep=final.name)
        return manifest


class _Reuse:
    """Vectors (same model only) and word tokens of the live snapshot, by text hash, for an incremental build."""

    def __init__(self, vectors: dict[str, np.ndarray], words: dict[str, list[str]]) -> None:
        self.vectors = vectors
        self.words = words

    @classmethod
    def from_live(cls, index_dir: Path, model_id: str) -> _Reuse:
        snapshot = live_snapshot(index_dir)
        if snapshot is None:
            return cls({}, {})
        try:  # read raw: vectors and tokens stay reusable across snapshot format versions
            built_with = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8")).get("model_id")
            records = json.loads((snapshot / RECORDS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls({}, {})
        words = {row["key"]: row["words"] for row in records["passages"] + records["faq"]}
        vectors: dict[str, np.ndarray] = {}
        if built_with == model_id:
            for name, rows, id_field in ((DENSE, records["passages"], "id"), (FAQ_DENSE, records["faq"], None)):
                ids, matrix = DenseIndex.load(snapshot / name).vectors()
                row_of = {int(i): n for n, i in enumerate(ids)}
                for number, row in enumerate(rows):
                    position = row_of.get(int(row[id_field]) if id_field else number)
                    if position is not None:
                        vectors[row["key"]] = matrix[position]
        return cls(vectors, words)

    def add_missing(self, vectors: dict[str, np.ndarray]) -> None:
        """Take these vectors for the texts the live snapshot had none for."""
        for key, vector in vectors.items():
            self.vectors.setdefault(key, vector)


def _write(source: SnapshotSource, work: Path, embedder: Embedder, reuse: _Reuse, on_progress: Progress | None,
           hnsw: bool | None, started: float) -> Manifest:
    texts = embedding_texts(source)
    questions = [q.question for q in source.faq_questions]
    keys = [text_key(text) for text in texts]
    vectors, embedded = _embed_all(texts, keys, embedder, reuse, on_progress)
    words = [reuse.words.get(key) or tokenize(text) for key, text in zip(keys, texts, strict=True)]
    n = len(source.passages)
    ids = np.array([p.id for p in source.passages], dtype=np.int64)
    dense = DenseIndex.build(ids, vectors[:n], hnsw=hnsw)
    dense.save(work / DENSE)
    DenseIndex.build(np.arange(len(questions), dtype=np.int64), vectors[n:], hnsw=False).save(work / FAQ_DENSE)
    LexicalIndex.build([word_terms(w) for w in words[:n]]).save(work / BM25_WORDS)
    LexicalIndex.build([plain_terms(w) for w in words[:n]]).save(work / BM25_PLAIN)
    LexicalIndex.build([word_terms(w) for w in words[n:]]).save(work / FAQ_WORDS)
    LexicalIndex.build([plain_terms(w) for w in words[n:]]).save(work / FAQ_PLAIN)
    train_restorer(source).save(work / RESTORER)
    records = {
        "documents": [document_to_json(d) for d in source.documents.values()],
        "passages": [asdict(p) | {"key": keys[i], "words": words[i]} for i, p in enumerate(source.passages)],
        "faq": [asdict(q) | {"key": keys[n + i], "words": words[n + i]} for i, q in enumerate(source.faq_questions)],
    }
    (work / RECORDS).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    manifest = Manifest(
        revision=source.revision, model_id=embedder.model_id, dim=embedder.dim, passages=n,
        faqs=len({q.faq_id for q in source.faq_questions}), faq_questions=len(questions),
        documents=len(source.documents), dense=dense.kind, built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3), embedded=embedded, checksums=_checksums(work),
    )
    (work / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def embedding_texts(source: SnapshotSource) -> list[str]:
    """What a snapshot embeds: each passage in its context, then each FAQ question."""
    contexts = [p.context(source.documents[p.document_id]) for p in source.passages]
    return contexts + [q.question for q in source.faq_questions]


def _embed_all(texts: Sequence[str], keys: Sequence[str], embedder: Embedder, reuse: _Reuse,
               on_progress: Progress | None) -> tuple[np.ndarray, int]:
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing = []
    for i, key in enumerate(keys):
        vector = reuse.vectors.get(key)
        if vector is None:
            missing.append(i)
        else:
            vectors[i] = vector
    done = len(texts) - len(missing)
    if on_progress is not None:
        on_progress(done, len(texts))
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_passages([texts[i] for i in batch])
        done += len(batch)
        if on_progress is not None:
            on_progress(done, len(texts))
    return vectors, len(missing)


def train_restorer(source: SnapshotSource) -> DiacriticRestorer:
    """Diacritic restoration learnt from the knowledge base's own words, plus general Vietnamese."""

    def sentences() -> Iterator[str]:
        for document in source.documents.values():
            yield document.title
        for passage in source.passages:
            yield from passage.heading_path
            yield passage.text
        for question in source.faq_questions:
            yield question.question
        yield from base_training_sentences(include_lexicon=False)

    return DiacriticRestorer.train(sentences())


def _checksums(directory: Path) -> dict[str, str]:
    sums = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            sums[path.relative_to(directory).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def verify_checksums(snapshot_dir: Path, manifest: Manifest) -> None:
    for name, expected in manifest.checksums.items():
        path = snapshot_dir / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise SnapshotError(f"tệp {path} của chỉ mục bị thiếu hoặc hỏng: hãy chạy lại «loa index build»")


def load_records(snapshot_dir: Path) -> tuple[dict[int, DocumentRef], list[PassageRecord], list[FaqQuestion]]:
    data: dict[str, Any] = json.loads((snapshot_dir / RECORDS).read_text(encoding="utf-8"))
    documents = {int(d["id"]): document_from_json(d) for d in data["documents"]}
    passages = [PassageRecord(r["id"], r["document_id"], r["locator"], tuple(r["heading_path"]), r["text"])
                for r in data["passages"]]
    questions = [FaqQuestion(r["faq_id"], r["question"]) for r in data["faq"]]
    return documents, passages, questions


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index directory (a second one waits)."""
    with (index_dir / ".build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _final_name(index_dir: Path, revision: int) -> Path:
    """``<revision>``, or ``<revision>-<n>`` when that name is taken (a rebuild of the same revision)."""
    candidate = index_dir / str(revision)
    suffix = 1
    while candidate.exists():
        candidate = index_dir / f"{revision}-{suffix}"
        suffix += 1
    return candidate


def _point_to(index_dir: Path, name: str) -> None:
    temporary = index_dir / f".{POINTER}.{uuid.uuid4().hex[:8]}"
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, index_dir / POINTER)


def _prune(index_dir: Path, keep: str, generations: int = 2) -> None:
    """Remove old snapshots, keeping the live one and the one before it (servers may still be switching)."""
    snapshots = sorted((p for p in index_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
                       key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for path in snapshots:
        if path.name == keep or kept < generations:
            kept += 1
            continue
        shutil.rmtree(path, ignore_errors=True)
