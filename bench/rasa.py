"""Rasa's DIET beside Loa's own intent classifier on the same held-out split of ``nlu/data/nlu.yml``.

Both are trained on the training part of ``bench.nlu.intent_split`` and scored on its held-out part: DIET with the
project's ``rasa/config.yml`` pipeline through the real engine (``scripts/rasa.sh``: ``rasa train nlu`` then
``rasa test nlu``), Loa's classifier in process. ``run()`` returns the figures; ``python -m bench.rasa`` prints JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.nlu import intent_split
from nlu.intents import Example, IntentClassifier, default_nlu_file, read_rasa_nlu
from nlu.normalize import normalize_text

REPO_ROOT = Path(__file__).resolve().parent.parent
RASA_SCRIPT = REPO_ROOT / "scripts" / "rasa.sh"


def rasa_nlu_yaml(examples: Sequence[Example]) -> str:
    """``examples`` as a Rasa 3 NLU training file, intents in first-seen order."""
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example.text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {text}" for text in texts)]
    return "\n".join(lines) + "\n"


def _rasa(*args: str, cwd: Path) -> None:
    result = subprocess.run(["bash", str(RASA_SCRIPT), "exec", "rasa", *args], cwd=cwd, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"rasa {args[0]} {args[1]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def diet_accuracy(train: Sequence[Example], test: Sequence[Example], work: Path) -> tuple[float, float]:
    """DIET's held-out accuracy and its training time in seconds."""
    (work / "train.yml").write_text(rasa_nlu_yaml(train), encoding="utf-8")
    (work / "test.yml").write_text(rasa_nlu_yaml(test), encoding="utf-8")
    config = str(REPO_ROOT / "rasa" / "config.yml")
    started = time.perf_counter()
    _rasa("train", "nlu", "--config", config, "--nlu", "train.yml", "--out", "models", "--fixed-model-name",
          "diet", "--quiet", cwd=work)
    seconds = time.perf_counter() - started
    _rasa("test", "nlu", "--model", "models/diet.tar.gz", "--nlu", "test.yml", "--out", "results", cwd=work)
    report = json.loads((work / "results" / "intent_report.json").read_text(encoding="utf-8"))
    return float(report["accuracy"]), seconds


def loa_accuracy(train: Sequence[Example], test: Sequence[Example]) -> float:
    classifier = IntentClassifier.train(train)
    return float(np.mean([classifier.predict(normalize_text(e.text)).name == e.intent for e in test]))


def run() -> dict[str, float]:
    train, test = intent_split(read_rasa_nlu(default_nlu_file()))
    figures = {"held_out_examples": len(test), "loa_intent_accuracy": loa_accuracy(train, test)}
    with tempfile.TemporaryDirectory(prefix="loa-bench-rasa-") as work:
        accuracy, seconds = diet_accuracy(train, test, Path(work))
    figures["rasa_diet_intent_accuracy"] = accuracy
    figures["rasa_diet_train_s"] = seconds
    return figures


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    sys.stdout.write("\n")
