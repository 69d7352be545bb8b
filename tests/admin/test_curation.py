"""Officers' work end to end on the real engine: upload, edit, retire, write an FAQ, preview it, publish it, and
every change in the audit log."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.engine.contracts import Decision, IncomingMessage
from bot.runtime import Runtime
from bot.web.admin import Console
from knowledge_base.db import SessionFactory
from knowledge_base.models import AuditLog, Document, Faq, FaqStatus, Passage
from knowledge_base.services.revision import current_revision
from tests.admin.support import sign_in, token

NEWS = "news/cao-bang-thong-tin-co-so.txt"
QUESTION = "Cao Bằng cấp bao nhiêu bộ phát thanh cho xã nghèo?"
ANSWER = "Theo bài viết, tỉnh Cao Bằng hỗ trợ thiết bị thông tin cho các xã nghèo; hãy hỏi UBND xã để biết chi tiết."


def upload(client: TestClient, corpus_dir: Path, *names: str, extra: tuple[str, bytes] | None = None) -> str:
    files = [("files", (Path(name).name, (corpus_dir / name).read_bytes(), "text/plain")) for name in names]
    if extra is not None:
        files.append(("files", (extra[0], extra[1], "application/octet-stream")))
    response = client.post("/admin/documents/upload", data={"csrf": token(client)}, files=files)
    assert response.status_code == 200
    return response.text


def test_upload_edit_retire_with_audit(client: TestClient, accounts: SessionFactory, corpus_dir: Path) -> None:
    sign_in(client, "canbo")
    page = upload(client, corpus_dir, NEWS, extra=("virus.exe", b"MZ..."))
    assert "đã thêm mới" in page
    assert "virus.exe" in page
    assert "Chỉ nhận tệp" in page
    with accounts() as session:
        document = session.scalars(select(Document)).one()
        passages = session.scalars(select(Passage).where(Passage.document_id == document.id)).all()
    assert passages
    detail = client.get(f"/admin/documents/{document.id}")
    assert passages[0].locator in detail.text
    assert passages[0].text[:40] in detail.text
    listing = client.get("/admin/documents", params={"q": "cao bằng"})
    assert document.title in listing.text
    assert document.title not in client.get("/admin/documents", params={"status": "expired"}).text

    form = {"csrf": token(client), "title": document.title, "number": "", "status": "superseded",
            "superseded_by": "", "issued_on": "2024-05-01"}
    refused = client.post(f"/admin/documents/{document.id}", data=form)
    assert "cần ghi số văn bản thay thế" in refused.text
    form["superseded_by"] = "99/2025/TT-BDTTG"
    saved = client.post(f"/admin/documents/{document.id}", data=form)
    assert "Đã lưu thông tin văn bản" in saved.text
    client.post(f"/admin/documents/{document.id}/retire", data={"csrf": token(client), "retired": "1"})
    with accounts() as session:
        document = session.get(Document, document.id)
        assert document is not None
        assert document.superseded_by == "99/2025/TT-BDTTG"
        assert document.retired
        entries = session.scalars(select(AuditLog).where(AuditLog.entity_type == "document")
                                  .order_by(AuditLog.id)).all()
    update = next(e for e in entries if e.action == "update")
    assert update.actor == "canbo"
    assert update.before is not None
    assert update.after is not None
    assert update.before["status"] == "in_force"
    assert update.after["status"] == "superseded"
    assert update.after["issued_on"] == "2024-05-01"
    assert [e.action for e in entries][-1] == "retire"


def test_identical_reupload_changes_nothing(client: TestClient, accounts: SessionFactory, corpus_dir: Path) -> None:
    sign_in(client, "canbo")
    assert "đã thêm mới" in upload(client, corpus_dir, NEWS)
    with accounts() as session:
        audit = session.scalar(select(func.count(AuditLog.id)))
        revision = current_revision(session)
    again = upload(client, corpus_dir, NEWS)
    assert "không thay đổi" in again
    assert "Xuất bản (cập nhật chỉ mục)" not in again
    with accounts() as session:
        assert session.scalar(select(func.count(AuditLog.id))) == audit
        assert current_revision(session) == revision
        assert session.scalar(select(func.count(Document.id))) == 1


def test_faq_preview_publish_and_answer(client: TestClient, accounts: SessionFactory, corpus_dir: Path,
                                        console: Console, runtime: Runtime) -> None:
    sign_in(client, "canbo")
    upload(client, corpus_dir, NEWS)
    client.post("/admin/publish", data={"csrf": token(client)})
    assert console.publisher.wait(300).state == "done", console.publisher.state.error
    with accounts() as session:
        passage = session.scalars(select(Passage).order_by(Passage.order)).first()
    assert passage is not None

    form = {"csrf": token(client), "questions": f"{QUESTION}\nXã nghèo ở Cao Bằng được cấp bộ phát thanh không?",
            "answer": ANSWER, "next_step": "Liên hệ UBND xã.", "passage_query": "Cao Bằng", "action": "search"}
    searched = client.post("/admin/faq/new", data=form)
    assert f'name="passage_ids" value="{passage.id}"' in searched.text
    assert ANSWER in searched.text, "the draft survives a passage search"
    form |= {"passage_ids": str(passage.id), "try_question": "cao bằng cấp bao nhiêu bộ phát thanh cho xã nghèo",
             "action": "preview"}
    previewed = client.post("/admin/faq/new", data=form)
    assert "bằng bản nháp này" in previewed.text, previewed.text[previewed.text.find("id=\"preview\""):][:800]
    assert ANSWER in previewed.text
    assert f"{passage.locator}" in previewed.text
    saved = client.post("/admin/faq/new", data=form | {"action": "save"}, follow_redirects=False)
    faq_id = int(re.search(r"/admin/faq/(\d+)", saved.headers["location"]).group(1))  # type: ignore[union-attr]
    before = runtime.engine.handle(IncomingMessage("web", "nguoi-dan-1", QUESTION))
    assert ANSWER not in before.text, "a draft never answers citizens"

    published = client.post(f"/admin/faq/{faq_id}/status", data={"csrf": token(client), "status": "published"})
    assert "/admin/publish" in str(published.url)
    assert console.publisher.wait(300).state == "done", console.publisher.state.error
    assert "Đã xuất bản" in client.get("/admin/publish").text
    reply = _ask_after_swap(runtime, QUESTION)
    assert reply.decision is Decision.ANSWERED
    assert ANSWER in reply.text
    assert any(c.passage_id == passage.id for c in reply.citations)

    with accounts() as session:
        faq = session.get(Faq, faq_id)
        assert faq is not None
        assert faq.status is FaqStatus.PUBLISHED
        assert faq.author_name == "canbo"
        actions = [(e.action, e.entity_type) for e in session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert ("create", "faq") in actions
    assert ("publish", "faq") in actions
    assert ("publish", "index") in actions
    assert ("import", "document") in actions or any(t == "document" for _, t in actions)
    client.cookies.clear()
    sign_in(client, "quantri")
    audit = client.get("/admin/audit", params={"entity": "faq"})
    assert "canbo" in audit.text
    assert "publish faq" in audit.text
    assert ANSWER[:30] in audit.text


def _ask_after_swap(runtime: Runtime, question: str) -> object:
    """The live index checks for a new snapshot every 2 seconds; ask until it has swapped (at most 10 s)."""
    import time

    deadline = time.monotonic() + 10
    while True:
        reply = runtime.engine.handle(IncomingMessage("web", f"nguoi-dan-{time.monotonic()}", question))
        if ANSWER in reply.text or time.monotonic() > deadline:
            return reply
        time.sleep(0.5)


def test_failed_build_keeps_the_old_index(client: TestClient, console: Console, runtime: Runtime,
                                          corpus_dir: Path) -> None:
    sign_in(client, "canbo")
    upload(client, corpus_dir, NEWS)
    client.post("/admin/publish", data={"csrf": token(client)})
    assert console.publisher.wait(300).state == "done"
    live = runtime.index.current().revision
    lock = runtime.settings.index_dir / ".build.lock"
    lock.unlink()
    lock.mkdir()  # a real fault: the indexer cannot open its lock file
    try:
        client.post("/admin/publish", data={"csrf": token(client)})
        state = console.publisher.wait(300)
    finally:
        lock.rmdir()
    assert state.state == "failed"
    assert state.error
    page = client.get("/admin/publish")
    assert "thất bại" in page.text
    assert "Loa vẫn đang dùng chỉ mục cũ" in page.text
    assert runtime.index.current().revision == live
