"""``loa eval``: retrieval quality on labelled questions (the answer engine adds answer-level figures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bot.cli.common import console, err_console, settings
from bot.settings import Settings
from indexer.embedders import Embedder, make_embedder
from indexer.evaluate import evaluate_live, evaluate_passages
from indexer.retriever import RetrievalConfig
from indexer.snapshot import SnapshotError

app = typer.Typer(help="Evaluation: retrieval quality on labelled questions.", no_args_is_help=True)

FUSION_HELP = "Signal fusion: weighted (default, min-max normalised scores) or rrf (reciprocal rank), to compare."


def _config(fusion: str) -> RetrievalConfig:
    if fusion not in ("rrf", "weighted"):
        err_console.print(f"Cách kết hợp {fusion!r} không có; hãy dùng rrf hoặc weighted.")
        raise typer.Exit(2)
    return RetrievalConfig(fusion=fusion)


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    table = Table("Nhóm", "Số câu", "recall@1", "recall@5", "recall@10", "MRR@10")
    table.add_row("Tất cả", str(result["n_evaluated"]), *(f"{result[key]:.3f}" for key in
                                                          ("recall@1", "recall@5", "recall@10", "mrr@10")))
    for style, figures in result["by_style"].items():
        table.add_row(style, str(figures["n"]), *(f"{figures[key]:.3f}" for key in
                                                  ("recall@1", "recall@5", "recall@10", "mrr@10")))
    console.print(table)
    console.print(f"Câu hỏi trong phạm vi: {result['n_in_scope']} (có bằng chứng: {result['n_evaluated']}). "
                  f"Độ trễ truy hồi: p50 {result['latency_ms']['p50']} ms, p95 {result['latency_ms']['p95']} ms.")


@app.command("questions")
def questions_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines like dev_questions.jsonl."),
    k: int = typer.Option(10, "--k", min=1, help="Passages retrieved per question."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    fusion: str = typer.Option("weighted", "--fusion", help=FUSION_HELP),
    answers: bool = typer.Option(True, "--answers/--no-answers",
                                 help="Also run every question through the answer engine (answer-level keys)."),
    list_file: Path | None = typer.Option(None, "--list", dir_okay=False,
                                          help="Write each question's outcome, decision, reply and check reasons "
                                               "to this JSON Lines file."),
) -> None:
    """Retrieval quality of the live index on labelled questions: recall@1/5/10, MRR@10, per style, latency;
    then answer-level rates of the answer engine (answer_rate, answer_hit, clarify_rate, refusal_rate,
    smalltalk_rate, per style) and its latency; the outcomes correct/honest/missed/wrong with wrong_rate,
    correct_rate and utility, per style and per kind (rules in ../shared/eval/README.md)."""
    config = settings()
    embedder = make_embedder(config.embedder, config.embedder_model)
    try:
        result = evaluate_live(config.index_dir, embedder, file, k, _config(fusion))
    except (SnapshotError, FileNotFoundError) as error:
        err_console.print(str(error))
        raise typer.Exit(1) from error
    if answers:
        result.update(_answer_level(config, embedder, file, list_file))
    _print(result, as_json)
    if answers and not as_json:
        _print_answers(result)


def _answer_level(config: Settings, embedder: Embedder, file: Path, list_file: Path | None) -> dict[str, Any]:
    from bot.evaluate import evaluate_answers, read_questions, write_list
    from bot.runtime import Runtime

    runtime = Runtime.create(config, embedder=embedder, review_inbox=False)
    try:
        figures = evaluate_answers(runtime.engine, read_questions(file), embedder)
    finally:
        runtime.close()
    rows = figures.pop("rows")
    if list_file is not None:
        write_list(rows, list_file)
    figures["answer_by_style"] = figures.pop("per_style")
    return figures


def _print_answers(result: dict[str, Any]) -> None:
    keys = ("answer_rate", "answer_hit", "clarify_rate", "refusal_rate", "smalltalk_rate")
    table = Table("Nhóm", *keys)
    table.add_row("Tất cả", *(_rate(result[key]) for key in keys))
    for style, figures in result["answer_by_style"].items():
        table.add_row(style, *(_rate(figures[key]) for key in keys))
    console.print(table)
    outcomes = Table("Nhóm", "n", "wrong_rate", "correct_rate", "utility", "đúng/trung thực/bỏ lỡ/sai")
    groups = {"Tất cả": result, **result["answer_by_style"], **result["per_kind"]}
    for name, figures in groups.items():
        counts = figures["outcomes"]
        outcomes.add_row(name, str(figures["n"]), *(_rate(figures[key]) for key in ("wrong_rate", "correct_rate",
                                                                                     "utility")),
                         "/".join(str(counts[key]) for key in ("correct", "honest", "missed", "wrong")))
    console.print(outcomes)
    console.print(f"Độ trễ của bộ trả lời: p50 {result['engine_p50_ms']} ms, p95 {result['engine_p95_ms']} ms "
                  f"(truy hồi p95 {result['retrieval_p95_ms']} ms).")


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


@app.command("passages")
def passages_command(
    directory: Path = typer.Argument(..., exists=True, file_okay=False,
                                     help="A folder with corpus.jsonl, queries.jsonl and qrels.tsv."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    fusion: str = typer.Option("weighted", "--fusion", help=FUSION_HELP),
) -> None:
    """Retrieval quality on an external passage set, indexed in a throwaway index with the same pipeline."""
    config = settings()
    result = evaluate_passages(directory, make_embedder(config.embedder, config.embedder_model),
                               config=_config(fusion))
    _print(result, as_json)
