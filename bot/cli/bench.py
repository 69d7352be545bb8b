"""``loa bench``: speed and quality benchmarks; each prints a table, or one JSON object with ``--json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bot.cli.common import console, err_console, settings

app = typer.Typer(help="Benchmarks: language layer, retrieval, HTTP, Rasa beside Loa.", no_args_is_help=True)


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    table = Table("Chỉ số", "Giá trị")
    for key, value in _flatten(result):
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)


def _shared_dir() -> Path:
    """``../shared`` (evaluation sets and the full corpus) that these benchmarks read; a clear stop without it."""
    shared = settings().shared_dir
    if not (shared / "eval").is_dir() or not (shared / "corpus" / "catalog.yaml").is_file():
        err_console.print(f"Benchmark này cần thư mục dữ liệu dùng chung (đánh giá, kho văn bản) tại {shared}; "
                          "đặt LOA_SHARED_DIR nếu nó ở chỗ khác.")
        raise typer.Exit(2)
    return shared


def _flatten(result: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in result.items():
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


@app.command("nlu")
def nlu_command(as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Language layer: diacritic restoration, intents, speed."""
    from bench.nlu import run

    _print(dict(run(_shared_dir())), as_json)


@app.command("rasa")
def rasa_command(as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Intent accuracy of Rasa's DIET (real engine, scripts/rasa.sh build) beside Loa's classifier, same split."""
    from bench.rasa import run

    _print(dict(run()), as_json)


@app.command("retrieval")
def retrieval_command(as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Retrieval on the real corpus and on synthetic 10k/100k-passage corpora: latency, throughput, memory."""
    from bench.retrieval import run

    _print(run(_shared_dir()), as_json)


@app.command("http")
def http_command(as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
                 seconds: float = typer.Option(8.0, help="Load time per route."),
                 concurrency: int = typer.Option(8, help="Concurrent clients.")) -> None:
    """The web app over loopback: req/s and p50/p95 of /api/v1/ask and the Telegram webhook, beside the engine."""
    from bench.http import run

    _print(run(settings(), seconds=seconds, concurrency=concurrency), as_json)
