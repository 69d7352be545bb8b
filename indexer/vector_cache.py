"""Shipped embedding vectors: the passages of the shipped legal texts and the starter FAQ questions, embedded once.

``indexer/data/shipped-vectors.npz`` holds, per embedding model id, the text keys (the same SHA-256 prefix of the
embedded text that snapshots use) and float16 vectors. A build takes a vector from the live snapshot first, then
from this file (same model id only), and embeds only the rest, so a fresh clone's first build embeds nothing the
project ships. ``loa index ship-vectors`` rewrites the file after the shipped knowledge changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SHIPPED_VECTORS = Path(__file__).resolve().parent / "data" / "shipped-vectors.npz"


def text_key(text: str) -> str:
    """The key a vector is stored under: it changes whenever the embedded text changes."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _slot(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", model_id)


def load_vectors(model_id: str, path: Path = SHIPPED_VECTORS) -> dict[str, np.ndarray]:
    """The vectors stored for ``model_id`` (float32, re-normalised), by text key; empty when there are none."""
    if not path.is_file():
        return {}
    slot = _slot(model_id)
    with np.load(path, allow_pickle=False) as data:
        if f"{slot}.keys" not in data.files:
            return {}
        keys = data[f"{slot}.keys"]
        matrix = data[f"{slot}.vectors"].astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return {str(key): matrix[row] for row, key in enumerate(keys)}


def save_vectors(model_id: str, keys: Sequence[str], vectors: np.ndarray, path: Path = SHIPPED_VECTORS) -> None:
    """Store ``vectors`` for ``model_id`` (replacing that model's previous set, keeping other models')."""
    arrays: dict[str, np.ndarray] = {}
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    slot = _slot(model_id)
    arrays[f"{slot}.keys"] = np.array(list(keys), dtype="U32")
    arrays[f"{slot}.vectors"] = np.asarray(vectors, dtype=np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    np.savez_compressed(temporary, **arrays)  # type: ignore[arg-type]
    temporary.replace(path)
