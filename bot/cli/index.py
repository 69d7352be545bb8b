"""``loa index``: build the search index snapshot of the knowledge base, and show which one is live."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.cli.common import console, settings
from indexer.embedders import make_embedder
from indexer.ship import ship_vectors
from indexer.snapshot import build_index, index_status
from knowledge_base.db import make_engine, make_session_factory

app = typer.Typer(help="Search index: build snapshots of the knowledge base, show the live one.", no_args_is_help=True)


@app.command("build")
def build_command() -> None:
    """Build a snapshot of the current knowledge base and make it live (the old one serves until then)."""
    config = settings()
    factory = make_session_factory(make_engine(config.database_url))
    embedder = make_embedder(config.embedder, config.embedder_model)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console) as progress:
        task = progress.add_task("Đang tạo vectơ cho các đoạn văn", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        manifest = build_index(factory, config.index_dir, embedder, on_progress=advance)
    console.print(
        f"Đã tạo chỉ mục cho phiên bản kho kiến thức {manifest.revision}: {manifest.passages} đoạn văn, "
        f"{manifest.faqs} câu hỏi thường gặp; tạo mới {manifest.embedded} vectơ, dùng lại "
        f"{manifest.passages + manifest.faq_questions - manifest.embedded}; {manifest.build_seconds:.1f} giây."
    )


@app.command("ship-vectors")
def ship_vectors_command() -> None:
    """Rewrite the shipped vectors (indexer/data/shipped-vectors.npz) after the shipped texts or starter FAQ changed."""
    config = settings()
    embedder = make_embedder(config.embedder, config.embedder_model)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console) as progress:
        task = progress.add_task("Đang tạo vectơ cho văn bản kèm theo Loa", total=None)
        report = ship_vectors(embedder, on_progress=lambda done, total: progress.update(task, completed=done,
                                                                                         total=total))
    console.print(
        f"Đã ghi {report.path} ({report.bytes / 1_000_000:.1f} MB, mô hình {embedder.model_id}): {report.texts} "
        f"văn bản, tạo mới {report.embedded}, giữ {report.kept}, bỏ {report.dropped}."
    )


@app.command("status")
def status_command() -> None:
    """Show the live snapshot and whether the knowledge base has changed since it was built."""
    config = settings()
    status = index_status(make_session_factory(make_engine(config.database_url)), config.index_dir)
    table = Table("Mục", "Giá trị", show_header=False)
    if not status.live:
        table.add_row("Chỉ mục đang dùng", "chưa có — hãy chạy «loa index build»")
    else:
        table.add_row("Chỉ mục đang dùng", f"{status.snapshot} (phiên bản {status.revision})")
        table.add_row("Mô hình nhúng", status.model_id or "")
        table.add_row("Số đoạn văn", str(status.passages))
        table.add_row("Số câu hỏi thường gặp", str(status.faqs))
        table.add_row("Tạo lúc", status.built_at or "")
    table.add_row("Phiên bản kho kiến thức", str(status.kb_revision))
    table.add_row("Tình trạng", "[yellow]cũ hơn kho kiến thức — hãy chạy «loa index build»[/yellow]"
                  if status.stale else "[green]khớp với kho kiến thức[/green]")
    console.print(table)
