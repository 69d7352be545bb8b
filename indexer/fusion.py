"""Combining ranked lists from several signals into one ranking.

Two methods, compared on the dev questions (see ``indexer/evaluate.py`` and the closing note of the indexer issue):
reciprocal rank fusion, which only looks at ranks, and a weighted sum of scores min-max normalised per signal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def rrf(rankings: Mapping[str, Sequence[int]], weights: Mapping[str, float] | None = None,
        k: int = RRF_K) -> dict[int, float]:
    """Σ weight / (k + rank) over the signals that ranked a key (rank counted from 1)."""
    fused: dict[int, float] = {}
    for signal, keys in rankings.items():
        weight = 1.0 if weights is None else weights.get(signal, 0.0)
        for rank, key in enumerate(keys, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def weighted(scores: Mapping[str, Mapping[int, float]], weights: Mapping[str, float]) -> dict[int, float]:
    """Σ weight × min-max normalised score; a key a signal did not return counts 0 for it."""
    fused: dict[int, float] = {}
    for signal, by_key in scores.items():
        if not by_key:
            continue
        low, high = min(by_key.values()), max(by_key.values())
        span = high - low
        weight = weights.get(signal, 0.0)
        for key, value in by_key.items():
            normalised = (value - low) / span if span > 0 else 1.0
            fused[key] = fused.get(key, 0.0) + weight * normalised
    return fused
