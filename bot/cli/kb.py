"""``loa kb``: what officers do with the knowledge base from a terminal."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy import Row, func, or_, select

from bot.cli.common import console, err_console, settings
from knowledge_base.corpus import SHIPPED_CATALOG
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
    """Load (or refresh) what ships with Loa: the seven legal texts, then the starter FAQ that cites them."""
    factory = _session_factory()
    results = import_catalog(factory, SHIPPED_CATALOG, actor="starter")
    counts = Counter(result.status for result in results)
    console.print(
        f"Văn bản pháp luật kèm theo Loa: {len(results)} văn bản, "
        f"{sum(result.passages for result in results)} đoạn ({counts['created']} mới, {counts['updated']} cập nhật, "
        f"{counts['unchanged']} không đổi, {counts['failed']} lỗi)."
    )
    for failed in (result for result in results if result.status == "failed"):
        err_console.print(f"[red]Lỗi[/red] {failed.path.name}: {failed.error}")
    report = install_starter(factory, load_starter())
    console.print(report.summary())
    with factory() as session:
        without_text = session.scalar(select(func.count(Document.id)).where(Document.version == 0)) or 0
    if without_text:
        console.print(
            f"{without_text} nguồn chỉ có thông tin mô tả (chưa có toàn văn): các câu hỏi - đáp dẫn chúng vẫn "
            "trả lời được; nhập toàn văn bằng «loa kb import» khi có tệp."
        )
    if counts["failed"]:
        raise typer.Exit(1)


@app.command("list")
def list_command(
    query: str = typer.Argument("", help="Filter by number or title."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array, for scripts."),
) -> None:
    """List documents with their status and passage counts (wraps to the terminal's width, also in a pipe)."""
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
    if as_json:
        typer.echo(json.dumps([_list_item(document, passages) for document, passages in rows], ensure_ascii=False,
                              indent=2))
        return
    console.print(_documents_table(rows, wide=console.width >= WIDE_TERMINAL))
    console.print(f"{len(rows)} văn bản; {sum(1 for d, _ in rows if d.version == 0)} chỉ có thông tin mô tả "
                  "(bản 0: chưa có toàn văn).")


WIDE_TERMINAL = 140
NARROW_TITLE_CHARS = 80


def _documents_table(rows: Sequence[Row[Document, int]], *, wide: bool) -> Table:
    """Wide terminals: one column per field. Narrow ones and pipes (80 columns): type and period go under the
    number, and long titles are shortened (``--json`` and ``loa kb show`` have them whole); nothing is cut."""
    table = Table(expand=True)
    table.add_column("Số hiệu / khóa", overflow="fold", min_width=19, max_width=24)
    if wide:
        table.add_column("Loại", overflow="fold", ratio=1)
    table.add_column("Hiệu lực", overflow="fold", ratio=2)
    if wide:
        table.add_column("Giai đoạn", no_wrap=True)
    table.add_column("Đoạn", justify="right", no_wrap=True)
    table.add_column("Bản", justify="right", no_wrap=True)
    table.add_column("Tiêu đề", overflow="fold", ratio=6)
    for document, passages in rows:
        key = document.number or document.slug
        title = document.title
        if wide:
            table.add_row(key, document.doc_type, _status(document), document.period or "", str(passages),
                          str(document.version), title)
            continue
        if len(title) > NARROW_TITLE_CHARS:
            title = title[: NARROW_TITLE_CHARS - 1].rstrip() + "…"
        detail = " · ".join(part for part in (document.doc_type, document.period) if part)
        table.add_row(f"{key}\n[dim]{detail}[/dim]", _status(document), str(passages), str(document.version), title)
    return table


def _status(document: Document) -> str:
    return document.status.label_vi + (" (đã gỡ)" if document.retired else "")


def _list_item(document: Document, passages: int) -> dict[str, object]:
    return {
        "number": document.number, "slug": document.slug, "kind": document.kind.value, "type": document.doc_type,
        "title": document.title, "status": document.status.value, "status_label": _status(document),
        "retired": document.retired, "period": document.period, "passages": passages, "version": document.version,
        "issuer": document.issuer,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "effective_from": document.effective_from.isoformat() if document.effective_from else None,
        "superseded_by": document.superseded_by, "source_url": document.source_url,
    }


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
