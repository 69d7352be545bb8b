"""How much of a question set the starter FAQ alone can answer: a content check for editors.

For each in-scope question, the closest entry valid on ``day`` is found by BM25 over accent-free words of
its phrasings and answer; the question counts as answered when that entry's answer or next step contains
one of the expected strings (``answer_any``, compared after NFC, case folding and collapsing spaces, as the
eval README prescribes). This measures the data, not the answer engine, which also decides when to refuse.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import bm25s

from knowledge_base.starter.loader import FaqEntry, StarterKnowledge, strip_diacritics

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answer_any: tuple[str, ...]


def read_questions(path: Path) -> list[EvalQuestion]:
    """In-scope questions of a ``dev_questions.jsonl``-style file that carry expected answers."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row: dict[str, Any] = json.loads(line)
        if row.get("kind") == "in_scope" and row.get("answer_any"):
            questions.append(EvalQuestion(row["id"], row["question"], tuple(row["answer_any"])))
    return questions


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _tokens(text: str) -> list[str]:
    return _WORD.findall(strip_diacritics(text).lower())


def _document(entry: FaqEntry) -> list[str]:
    return _tokens(" ".join([*entry.questions, entry.answer]))


def answer_coverage(starter: StarterKnowledge, questions: Iterable[EvalQuestion], day: date) -> dict[str, Any]:
    entries = starter.entries_on(day)
    retriever = bm25s.BM25()
    retriever.index([_document(entry) for entry in entries], show_progress=False)
    asked = list(questions)
    answered: list[str] = []
    for item in asked:
        ids, _scores = retriever.retrieve([_tokens(item.question)], k=1, show_progress=False)
        best = entries[int(ids[0][0])]
        text = _normalise(f"{best.answer} {best.next_step}")
        if any(_normalise(expected) in text for expected in item.answer_any):
            answered.append(item.id)
    return {
        "day": day.isoformat(),
        "entries": len(entries),
        "questions": len(asked),
        "answered": len(answered),
        "answer_rate": round(len(answered) / len(asked), 3) if asked else 0.0,
        "answered_ids": answered,
    }
