"""Dense vectors in FAISS, keyed by passage id (``IndexIDMap2``), so single passages can be replaced or removed.

Exact inner-product search (``IndexFlatIP``) is used up to ``HNSW_MIN_VECTORS``; above it an HNSW graph keeps query
time flat (``bench/retrieval.py`` measures both on 100k vectors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np

HNSW_MIN_VECTORS = 50_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 128
HNSW_EF_CONSTRUCTION = 80


class DenseIndex:
    def __init__(self, index: Any) -> None:
        self._index = index  # faiss.IndexIDMap2; its SWIG attributes are not in faiss's type stubs

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, *, hnsw: bool | None = None) -> DenseIndex:
        """Index ``vectors`` (rows L2-normalised) under ``ids``; ``hnsw=None`` decides by size."""
        dim = int(vectors.shape[1])
        if hnsw is None:
            hnsw = len(ids) >= HNSW_MIN_VECTORS
        if hnsw:
            inner: Any = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(dim)
        index = faiss.IndexIDMap2(inner)
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
        return cls(index)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(faiss.downcast_index(self._index.index), faiss.IndexHNSW) else "flat"

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def search(self, vector: np.ndarray, k: int,
               allowed_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Ids and inner products of the ``k`` nearest vectors, optionally only among ``allowed_ids``."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = None
        if allowed_ids is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed_ids, dtype=np.int64))
            params = faiss.SearchParameters()
            params.sel = selector
        scores, ids = self._index.search(vector.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All ids and their vectors, for reuse by the next build."""
        ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        if not len(ids):
            return ids, np.zeros((0, self._index.d), dtype=np.float32)
        return ids, self._index.index.reconstruct_n(0, len(ids))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))
