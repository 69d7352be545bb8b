"""``loa kb``: what officers do with the knowledge base from a terminal."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy import func, or_, select

from bot.cli.common import console, err_console, settings
from knowledge_base.db import SessionFactory, make_engine, make_session_factory
from knowledge_base.ingest.catalog import load_catalog
from knowledge_base.models import Document, Passage
from knowledge_base.services.importer import ImportResult, import_catalog, import_paths
from knowledge_base.starter import install_starter, load_starter

app = typer.Typer(help="Knowledge base: import documents, load the starter FAQ, inspect.", no_args_is_help=True)

STATUS_LABELS = {"created": "[green]mới[/green]", "updated": "[cyan]cập nhật[/cyan]",
                 "unchanged": "không đổi", "failed": "[red]lỗi[/red]"}


def _session_factory() -> SessionFactory:
    return make_session_factory(make_engine(settings().database_url))


@app.command("import")
def import_command(
    paths: list[Path] = typer.Argument(None, help="Files to import (.txt .md .docx .pdf .html)."),
    catalog: Path | None = typer.Option(None, "--catalog", help="A catalogue YAML with each file's metadata."),
) -> None:
    """Import documents; unchanged files change nothing, changed files become a new version."""
    if not paths and catalog is None:
        err_console.print("Hãy chỉ ra tệp cần nhập hoặc --catalog.")
        raise typer.Exit(2)
    total = (len(load_catalog(catalog)) if catalog else 0) + len(paths or [])
    results: list[ImportResult] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console) as progress:
        task = progress.add_task("Đang nhập văn bản", total=total)

        def advance(result: ImportResult) -> None:
            results.append(result)
            progress.update(task, advance=1, description=f"Đang nhập {result.path.name}")

        factory = _session_factory()
        if catalog is not None:
            import_catalog(factory, catalog, on_progress=advance)
        if paths:
            import_paths(factory, paths, on_progress=advance)
    table = Table("Tệp", "Số hiệu", "Kết quả", "Đoạn", "Lý do")
    for result in results:
        table.add_row(result.path.name, result.number or result.slug, STATUS_LABELS[result.status],
                      str(result.passages), result.error or "")
    console.print(table)
    if any(result.status == "failed" for result in results):
        raise typer.Exit(1)


@app.command("starter")
def starter_command() -> None:
    """Load (or refresh) the starter FAQ that ships with Loa."""
    report = install_starter(_session_factory(), load_starter())
    console.print(report.summary())


@app.command("list")
def list_command(query: str = typer.Argument("", help="Filter by number or title.")) -> None:
    """List documents with their status and passage counts."""
    with _session_factory()() as session:
        statement = (
            select(Document, func.count(Passage.id))
            .outerjoin(Passage)
            .group_by(Document.id)
            .order_by(Document.kind, Document.number, Document.title)
        )
        if query:
            pattern = f"%{query}%"
            statement = statement.where(or_(Document.number.ilike(pattern), Document.title.ilike(pattern)))
        rows = session.execute(statement).all()
    table = Table()
    for header in ("Số hiệu / khóa", "Loại", "Hiệu lực", "Giai đoạn", "Đoạn", "Bản"):
        table.add_column(header, no_wrap=True, min_width=len(header))
    table.add_column("Tiêu đề", no_wrap=True, overflow="ellipsis", max_width=50)
    for document, passages in rows:
        status = document.status.label_vi + (" (đã gỡ)" if document.retired else "")
        table.add_row(document.number or document.slug, document.doc_type, status,
                      document.period or "", str(passages), str(document.version), document.title)
    console.print(table)


@app.command("show")
def show_command(number: str = typer.Argument(..., help="Document number (e.g. 1315/VBHN-BLĐTBXH) or key.")) -> None:
    """Show one document's metadata and its passages with locators."""
    with _session_factory()() as session:
        document = session.scalars(
            select(Document).where(or_(Document.number == number, Document.slug == number))
        ).first()
        if document is None:
            err_console.print(f"Không tìm thấy văn bản {number!r}. Xem danh sách: loa kb list")
            raise typer.Exit(1)
        console.print(f"[bold]{document.label}[/bold] — {document.title}")
        for label, value in [("Loại", document.doc_type), ("Cơ quan ban hành", document.issuer),
                             ("Ngày ban hành", document.issued_on), ("Hiệu lực từ", document.effective_from),
                             ("Tình trạng", document.status.label_vi), ("Thay thế bởi", document.superseded_by),
                             ("Giai đoạn", document.period), ("Tỉnh", document.province),
                             ("Nguồn", document.source_url), ("Phiên bản", document.version)]:
            if value not in (None, ""):
                console.print(f"  {label}: {value}")
        for passage in document.passages:
            console.print(f"\n[cyan]{passage.locator}[/cyan]  {passage.text[:300]}")
