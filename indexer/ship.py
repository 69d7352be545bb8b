"""Regenerate the shipped vectors (``loa index ship-vectors``): embed what Loa ships, exactly as a build would.

The shipped legal texts and the starter FAQ are loaded into a throw-away SQLite knowledge base, read as a snapshot
source, and every text a snapshot embeds gets a vector; texts already in the file for the same model keep theirs,
texts no longer shipped are dropped.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.embedders import EMBED_BATCH, Embedder
from indexer.snapshot import Progress, embedding_texts, read_knowledge_base
from indexer.vector_cache import SHIPPED_VECTORS, load_vectors, save_vectors, text_key
from knowledge_base.corpus import SHIPPED_CATALOG
from knowledge_base.db import make_engine, make_session_factory, upgrade
from knowledge_base.services.importer import import_catalog
from knowledge_base.starter import install_starter, load_starter


@dataclass(frozen=True)
class ShipReport:
    texts: int
    embedded: int
    kept: int
    dropped: int
    path: Path
    bytes: int


def ship_vectors(embedder: Embedder, path: Path = SHIPPED_VECTORS, *, on_progress: Progress | None = None
                 ) -> ShipReport:
    with tempfile.TemporaryDirectory(prefix="loa-ship-") as folder:
        url = f"sqlite:///{Path(folder) / 'kb.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            factory = make_session_factory(engine)
            import_catalog(factory, SHIPPED_CATALOG, actor="ship-vectors")
            install_starter(factory, load_starter())
            texts = embedding_texts(read_knowledge_base(factory))
        finally:
            engine.dispose()
    keys = list(dict.fromkeys(text_key(text) for text in texts))
    text_of = {text_key(text): text for text in texts}
    old = load_vectors(embedder.model_id, path)
    vectors = np.zeros((len(keys), embedder.dim), dtype=np.float32)
    missing = [i for i, key in enumerate(keys) if key not in old]
    for i, key in enumerate(keys):
        if key in old:
            vectors[i] = old[key]
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_passages([text_of[keys[i]] for i in batch])
        if on_progress is not None:
            on_progress(len(keys) - len(missing) + start + len(batch), len(keys))
    save_vectors(embedder.model_id, keys, vectors, path)
    kept = len(keys) - len(missing)
    return ShipReport(len(keys), len(missing), kept, len(old) - kept, path, path.stat().st_size)
