"""Documents: list with search and filters, upload, edit metadata, retire, passages and recent citing answers."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from bot.web.admin.console import Console, Officer
from bot.web.admin.notices import Notice, with_notice
from knowledge_base.models import Document, DocumentStatus
from knowledge_base.services.documents import (
    DocumentError,
    DocumentFilters,
    filter_choices,
    find_documents,
    recent_citing_messages,
    set_retired,
    update_metadata,
)
from knowledge_base.services.importer import ImportResult, import_paths

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
STATUS_CHOICES = [(s.value, s.label_vi) for s in DocumentStatus]
IMPORT_LABELS_VI = {"created": "đã thêm mới", "updated": "đã cập nhật", "unchanged": "không thay đổi",
                    "failed": "không nhập được"}


def _safe_name(name: str) -> str:
    base = Path(name or "tep").name
    cleaned = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "tep"
    return cleaned[:150]


def document_routes(console: Console) -> APIRouter:
    router = APIRouter(prefix="/documents", route_class=console.route_class)

    @router.get("")
    async def listing(request: Request, q: str = "", doc_type: str = "", status: str = "", period: str = "",
                      province: str = "", who: Officer = Depends(console.officer)) -> Response:
        filters = DocumentFilters(q, doc_type, status, period, province)
        with console.sessions() as session:
            try:
                rows = find_documents(session, filters)
            except ValueError:
                rows = []
            choices = filter_choices(session)
        return console.render(request, "documents.html", who, rows=rows, filters=filters, choices=choices,
                              statuses=STATUS_CHOICES)

    @router.get("/upload")
    async def upload_form(request: Request, who: Officer = Depends(console.officer)) -> Response:
        return console.render(request, "upload.html", who, results=None)

    @router.post("/upload", dependencies=[Depends(console.csrf)])
    async def upload(request: Request, files: list[UploadFile] = File(...),
                     who: Officer = Depends(console.officer)) -> Response:
        results: list[ImportResult] = []
        with tempfile.TemporaryDirectory(prefix="loa-upload-") as folder:
            paths: list[Path] = []
            for upload_file in files:
                name = _safe_name(upload_file.filename or "")
                data = await upload_file.read(MAX_UPLOAD_BYTES + 1)
                problem = None
                if not name.lower().endswith(ALLOWED_SUFFIXES):
                    problem = "Chỉ nhận tệp .txt, .md, .docx, .pdf hoặc .html."
                elif len(data) > MAX_UPLOAD_BYTES:
                    problem = "Tệp lớn hơn 20 MB."
                elif not data:
                    problem = "Tệp trống."
                if problem is not None:
                    results.append(ImportResult(Path(name), None, "", "failed", 0, problem))
                    continue
                path = Path(folder) / name
                path.write_bytes(data)
                paths.append(path)
            if paths:
                results += await run_in_threadpool(import_paths, console.sessions, paths,
                                                   actor=who.username)
        return console.render(request, "upload.html", who, results=results, labels=IMPORT_LABELS_VI,
                              changed=any(r.status in ("created", "updated") for r in results))

    @router.get("/{document_id}")
    async def detail(request: Request, document_id: int, who: Officer = Depends(console.officer),
                     error: str | None = None) -> Response:
        with console.sessions() as session:
            document = session.get(Document, document_id)
            if document is None:
                return console.render(request, "error.html", who, 404, error="Không tìm thấy văn bản.")
            passages = list(document.passages)
            citing = recent_citing_messages(session, document)
        return console.render(request, "document.html", who, document=document, passages=passages, citing=citing,
                              statuses=STATUS_CHOICES, error=error)

    @router.post("/{document_id}", dependencies=[Depends(console.csrf)])
    async def edit(request: Request, document_id: int, who: Officer = Depends(console.officer)) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            with console.sessions.begin() as session:
                update_metadata(session, document_id, form, actor=who.username, actor_id=who.id)
        except DocumentError as problem:
            return await detail(request, document_id, who, str(problem))
        return RedirectResponse(with_notice(f"/admin/documents/{document_id}", Notice.DOCUMENT_SAVED),
                                status_code=303)

    @router.post("/{document_id}/retire", dependencies=[Depends(console.csrf)])
    async def retire(request: Request, document_id: int, retired: str = Form("1"),
                     who: Officer = Depends(console.officer)) -> Response:
        try:
            with console.sessions.begin() as session:
                set_retired(session, document_id, retired == "1", actor=who.username, actor_id=who.id)
        except DocumentError as problem:
            return console.render(request, "error.html", who, 404, error=str(problem))
        notice = Notice.DOCUMENT_RETIRED if retired == "1" else Notice.DOCUMENT_RESTORED
        return RedirectResponse(with_notice(f"/admin/documents/{document_id}", notice), status_code=303)

    return router
