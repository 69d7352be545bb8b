"""Calibrate the decision thresholds on a questions file and print the curve they were chosen from.

    python -m bot.engine.calibrate [QUESTIONS.jsonl] [--markdown]

Each question is understood and retrieved once; then every threshold setting is replayed through the engine's own
``decide`` and the reply it would compose, so the rates are exactly what the engine would score (answer_hit
included). The choice maximises answer_hit subject to refusal_rate ≥ ``MIN_REFUSAL`` and clarify_rate ≤
``MAX_CLARIFY`` — a margin above the floors, since unseen questions are scored the same way. A setting also needs
the refusal floor to hold one grid step looser on each answer bar, so the bars never sit on the edge of a cliff
that unseen out-of-scope questions would fall over.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from bot.engine.answer_engine import valid_faqs
from bot.engine.calibration import CALIBRATED
from bot.engine.compose import compose_faq_answer, compose_passage_answer
from bot.engine.contracts import Decision
from bot.engine.decide import Thresholds, confidence, decide, intent_route
from bot.evaluate import normalise, read_questions
from indexer.contracts import FaqHit, Hit, Query
from knowledge_base.db import SessionFactory

MIN_REFUSAL = 0.92
MAX_CLARIFY = 0.05
FAQ_GRID = (0.91, 0.92, 0.93, 0.94, 0.96)
FAQ_FLOOR_GRID = (0.88, 0.89, 0.9, 0.91)
FAQ_LEAD_GRID = (0.0, 0.01, 0.02, 0.03, 0.04)
ANSWER_GRID = (0.8, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9)
STRICT_FAQ_GRID = (0.9, 0.91, 0.92, 0.93, 0.94, 1.01)
STRICT_ANSWER_GRID = (0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 1.01)
MARGIN_GRID = (0.0, 0.002, 0.005, 0.01, 0.02)


@dataclass(frozen=True)
class Sample:
    id: str
    kind: str
    style: str
    route: str
    faq_hits: tuple[FaqHit, ...]
    hits: tuple[Hit, ...]
    faq_correct: frozenset[int]
    """FAQ ids whose composed answer contains one of ``answer_any``."""
    passage_correct: bool
    """Whether the answer composed from the best passage contains one of ``answer_any``."""


def _contains(text: str, answers: Iterable[str]) -> bool:
    flat = normalise(text)
    return any(normalise(answer) in flat for answer in answers)


def collect(
    questions: Sequence[dict[str, Any]], *, understander: Any, retriever: Any, session_factory: SessionFactory,
    day: date,
) -> list[Sample]:
    samples = []
    for question in questions:
        understanding = understander.understand(question["question"])
        route = intent_route(understanding.intent.name, understanding.intent.confidence)
        if understanding.intent.name in ("request_officer", "restart"):
            route = understanding.intent.name
        normalized = understanding.normalized or question["question"]
        query = Query(text=normalized, variants=(question["question"],) if normalized != question["question"] else ())
        hits = tuple(retriever.search(query, 10))
        faq_hits = tuple(retriever.search_faq(query, 5))
        provinces = [e.value for e in understanding.entities if e.type == "province"]
        answers = question.get("answer_any", [])
        with session_factory() as session:
            faqs = valid_faqs(session, faq_hits, day)
        faq_correct = frozenset(
            faq_id for faq_id, faq in faqs.items()
            if _contains(compose_faq_answer(faq, question_texts=(normalized,), provinces=provinces).text, answers)
        )
        passage_correct = bool(hits) and _contains(
            compose_passage_answer(hits, question_texts=(normalized,), provinces=provinces, day=day).text, answers
        )
        samples.append(
            Sample(question["id"], question["kind"], question.get("style", ""), route,
                   tuple(f for f in faq_hits if f.faq_id in faqs), hits, faq_correct, passage_correct)
        )
    return samples


def replay(sample: Sample, thresholds: Thresholds) -> tuple[Decision, bool]:
    """The decision the engine would make on ``sample`` and whether the reply would contain the answer."""
    if sample.route == "smalltalk" or sample.route == "feedback":
        return Decision.SMALLTALK, False
    if sample.route == "eligibility":
        return Decision.CLARIFY, False
    if sample.route == "request_officer":
        return Decision.HANDOFF, False
    if sample.route == "restart":
        return Decision.SMALLTALK, False
    verdict = decide(sample.faq_hits, sample.hits, thresholds, strict=sample.route == "strict")
    if verdict.decision is not Decision.ANSWERED:
        return verdict.decision, False
    if verdict.faq is not None:
        excerpt = bool(sample.hits) and confidence(sample.hits[0]) >= thresholds.answer_min
        return Decision.ANSWERED, verdict.faq.faq_id in sample.faq_correct or (excerpt and sample.passage_correct)
    return Decision.ANSWERED, sample.passage_correct


def rates(samples: Sequence[Sample], thresholds: Thresholds) -> dict[str, float]:
    outcomes = [(s, *replay(s, thresholds)) for s in samples]
    inside = [(d, hit) for s, d, hit in outcomes if s.kind == "in_scope"]
    outside = [d for s, d, _ in outcomes if s.kind == "out_of_scope"]
    chat = [d for s, d, _ in outcomes if s.kind == "chitchat"]

    def share(flags: list[bool]) -> float:
        return round(sum(flags) / len(flags), 4) if flags else 0.0

    return {
        "answer_rate": share([d is Decision.ANSWERED for d, _ in inside]),
        "answer_hit": share([d is Decision.ANSWERED and hit for d, hit in inside]),
        "clarify_rate": share([d is Decision.CLARIFY for d, _ in inside]),
        "refusal_rate": share([d in (Decision.REFUSED, Decision.HANDOFF) for d in outside]),
        "smalltalk_rate": share([d is Decision.SMALLTALK for d in chat]),
    }


def _best(
    samples: Sequence[Sample], settings: Iterable[Thresholds]
) -> tuple[Thresholds, dict[str, float]] | None:
    best: tuple[tuple[float, ...], Thresholds, dict[str, float]] | None = None
    for thresholds in settings:
        result = rates(samples, thresholds)
        if result["refusal_rate"] < MIN_REFUSAL or result["clarify_rate"] > MAX_CLARIFY:
            continue
        if not _refuses_one_step_looser(samples, thresholds):
            continue
        t = thresholds
        key = (result["answer_hit"], result["answer_rate"], t.answer_min, t.strict_answer_min, t.strict_faq_min,
               t.faq_min, t.faq_lead)
        if best is None or key > best[0]:
            best = (key, thresholds, result)
    return (best[1], best[2]) if best else None


def _refuses_one_step_looser(samples: Sequence[Sample], thresholds: Thresholds) -> bool:
    for name, grid in (("answer_min", ANSWER_GRID), ("strict_answer_min", STRICT_ANSWER_GRID)):
        value = getattr(thresholds, name)
        looser = [step for step in grid if step < value]
        if looser and rates(samples, replace(thresholds, **{name: max(looser)}))["refusal_rate"] < MIN_REFUSAL:
            return False
    return True


def choose(samples: Sequence[Sample], start: Thresholds = CALIBRATED) -> tuple[Thresholds, dict[str, float]]:
    """The best setting on the grid (see the module docstring), searched coordinate-wise: the in-scope bars with
    the strict ones fixed, then the strict bars, twice over; ties go to the stricter setting."""
    current = start
    result = rates(samples, current)
    for _ in range(2):
        general = (
            replace(current, faq_min=f, faq_floor=fl, faq_lead=le, answer_min=a, clarify_margin=m, confident=a + 0.02)
            for f, fl, le, a, m in itertools.product(FAQ_GRID, FAQ_FLOOR_GRID, FAQ_LEAD_GRID, ANSWER_GRID, MARGIN_GRID)
        )
        found = _best(samples, general)
        if found:
            current, result = found
        strict = (
            replace(current, strict_faq_min=f, strict_answer_min=a)
            for f, a in itertools.product(STRICT_FAQ_GRID, STRICT_ANSWER_GRID)
        )
        found = _best(samples, strict)
        if found:
            current, result = found
    return current, result


def curves(samples: Sequence[Sample], chosen: Thresholds) -> dict[str, list[dict[str, float]]]:
    """One threshold varied at a time around ``chosen``."""
    axes = {
        "answer_min": ANSWER_GRID,
        "faq_min": FAQ_GRID,
        "faq_floor": FAQ_FLOOR_GRID,
        "faq_lead": FAQ_LEAD_GRID,
        "strict_answer_min": STRICT_ANSWER_GRID,
        "strict_faq_min": STRICT_FAQ_GRID,
        "clarify_margin": MARGIN_GRID,
    }
    out: dict[str, list[dict[str, float]]] = {}
    for name, grid in axes.items():
        out[name] = [{name: value, **rates(samples, replace(chosen, **{name: value}))} for value in grid]
    return out


def markdown(chosen: Thresholds, result: dict[str, float], table: dict[str, list[dict[str, float]]]) -> str:
    lines = [
        f"Chosen: `{chosen}`",
        "",
        "Rates at the chosen setting: " + ", ".join(f"{k} {v:.3f}" for k, v in result.items()),
    ]
    for name, rows in table.items():
        lines += ["", f"### varying {name}", "", "| " + " | ".join(rows[0]) + " |",
                  "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(f"{value:.3f}" for value in row.values()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    from bot.runtime import Runtime
    from bot.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    settings = Settings()
    path = args.questions or settings.shared_dir / "eval" / "dev_questions.jsonl"
    runtime = Runtime.create(settings)
    try:
        samples = collect(
            read_questions(path), understander=runtime.understander, retriever=runtime.index.current(),
            session_factory=runtime.session_factory, day=settings.today_or_now(),
        )
    finally:
        runtime.close()
    chosen, result = choose(samples)
    table = curves(samples, chosen)
    if args.markdown:
        print(markdown(chosen, result, table))
    else:
        print(json.dumps({"chosen": chosen.__dict__, "rates": result, "in_use": CALIBRATED.__dict__,
                          "curves": table}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
