"""Property-based fuzzing (hypothesis) of every console form, signed in as an administrator with a valid CSRF token,
and of the question API and chat page on the real runtime: whatever the fields hold, never a 5xx."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bench.http import running_server
from bot.runtime import Runtime
from bot.web.app import create_app
from indexer.snapshot import build_index
from knowledge_base.db import SessionFactory
from knowledge_base.models import Document, DocumentKind, DocumentStatus, Passage, User
from knowledge_base.services.revision import bump_revision
from tests.admin.support import sign_in, token

RUNS: Counter[str] = Counter()
FUZZ = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "thong-tu-mau.md"

values = st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
                   st.integers(-10, 10**12).map(str), st.sampled_from(["", "0", "1", "draft", "retired", "open",
                                                                         "2025-01-01", "31/02/2025", "search"]))

FORMS: dict[str, tuple[str, ...]] = {
    "/admin/users": ("username", "display_name", "password", "role"),
    "/admin/users/{officer}/active": ("active",),
    "/admin/users/{officer}/password": ("password",),
    "/admin/users/99999/active": ("active",),
    "/admin/faq/new": ("questions", "answer", "next_step", "topic", "passage_ids", "try_question", "passage_query",
                       "from_item", "action"),
    "/admin/faq/99999": ("questions", "answer", "action"),
    "/admin/faq/99999/status": ("status",),
    "/admin/documents/{document}": ("title", "status", "superseded_by", "number", "issuer", "issued_on",
                                    "effective_from", "effective_until", "period", "province", "note"),
    "/admin/documents/{document}/retire": ("retired",),
    "/admin/documents/99999/retire": ("retired",),
    "/admin/review/99999/state": ("state",),
    "/admin/review/99999/ignore": ("reason",),
    "/admin/review/99999/faq": ("faq_id",),
    "/admin/review/99999/passage": ("passage_id",),
    "/admin/review/99999/reply": ("text", "example_id"),
}
QUERIES: dict[str, tuple[str, ...]] = {
    "/admin/faq": ("status", "q"), "/admin/documents": ("q", "doc_type", "status", "period"),
    "/admin/review": ("state",), "/admin/audit": ("entity", "page"), "/admin/analytics": ("days",),
    "/admin/faq/new": ("from_item",), "/admin/review/99999": ("q", "faq_q"), "/admin/login": ("next",),
}


@pytest.fixture
def admin(client: TestClient, accounts: SessionFactory) -> tuple[TestClient, dict[str, int]]:
    assert sign_in(client, "quantri").status_code == 303
    files = [("files", (SAMPLE.name, SAMPLE.read_bytes(), "text/markdown"))]
    assert client.post("/admin/documents/upload", data={"csrf": token(client)}, files=files).status_code == 200
    with accounts() as session:
        officer = session.scalar(select(User.id).where(User.username == "canbo"))
        document = session.scalar(select(Document.id))
    assert officer is not None
    assert document is not None
    return client, {"officer": officer, "document": document}


def test_every_console_form_survives_any_input(admin: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = admin
    csrf = token(client)

    @FUZZ
    @given(form=st.sampled_from(sorted(FORMS)), data=st.data())
    def run(form: str, data: st.DataObject) -> None:
        fields = {name: data.draw(values) for name in data.draw(st.lists(st.sampled_from(FORMS[form]),
                                                                         unique=True))}
        response = client.post(form.format(**ids), data={**fields, "csrf": csrf}, follow_redirects=False)
        RUNS["forms"] += 1
        assert response.status_code < 500, (form, fields, response.status_code)

    for _ in range(len(FORMS)):  # every form gets its share of examples
        run()
    assert client.get("/admin/users").status_code == 200, "still signed in: the fuzzing never signed itself out"
    print(f"console forms: {RUNS['forms']} fuzzed posts over {len(FORMS)} forms, no 5xx")


def test_every_console_query_survives_any_input(admin: tuple[TestClient, dict[str, int]]) -> None:
    client, _ = admin

    @FUZZ
    @given(page=st.sampled_from(sorted(QUERIES)), data=st.data())
    def run(page: str, data: st.DataObject) -> None:
        params = {name: data.draw(values) for name in QUERIES[page]}
        response = client.get(page, params=params, follow_redirects=False)
        RUNS["queries"] += 1
        assert response.status_code < 500, (page, params, response.status_code)

    for _ in range(len(QUERIES)):
        run()
    print(f"console pages: {RUNS['queries']} fuzzed queries, no 5xx")


EDGES = ("2147483648", "-2147483649", "\x00", "a\x00b")
"""Values hypothesis found that the database refuses (an id past PostgreSQL's integer, NUL in text): every field of
every form and query gets each of them, so these never depend on the draw."""


@pytest.mark.parametrize("edge", EDGES)
def test_values_the_database_refuses_are_a_clear_400(admin: tuple[TestClient, dict[str, int]], edge: str) -> None:
    client, ids = admin
    for form, names in sorted(FORMS.items()):
        for name in names:
            response = client.post(form.format(**ids), data={name: edge, "csrf": token(client)},
                                   follow_redirects=False)
            assert response.status_code < 500, (form, name, edge, response.status_code)
    for page, names in sorted(QUERIES.items()):
        response = client.get(page, params=dict.fromkeys(names, edge), follow_redirects=False)
        assert response.status_code < 500, (page, edge, response.status_code)
    assert client.get("/admin/users").status_code == 200


def test_sign_in_and_out_survive_any_input(client: TestClient, accounts: SessionFactory) -> None:
    @FUZZ
    @given(username=values, password=values, next_url=values, csrf=values)
    def run(username: str, password: str, next_url: str, csrf: str) -> None:
        page_token = token(client, "/admin/login")
        login = client.post("/admin/login", data={"csrf": page_token, "username": username, "password": password,
                                                   "next": next_url}, follow_redirects=False)
        logout = client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False)
        RUNS["sign-in"] += 2
        assert login.status_code < 500
        assert logout.status_code < 500

    run()
    print(f"sign-in/out: {RUNS['sign-in']} fuzzed posts, no 5xx")


def _index_one_document(runtime: Runtime) -> None:
    """A small live index, so fuzzed questions go through retrieval and composition, not only the fallback."""
    with runtime.session_factory.begin() as session:
        revision = bump_revision(session)
        document = Document(slug="nd-07-2021", number="07/2021/NĐ-CP", kind=DocumentKind.LEGAL, doc_type="Nghị định",
                            title="Quy định chuẩn nghèo đa chiều giai đoạn 2022 - 2025", issuer="Chính phủ",
                            status=DocumentStatus.IN_FORCE, period="2022-2025", version=1, kb_revision=revision)
        document.passages = [Passage(locator="Khoản 1 Điều 3", heading_path=["Điều 3. Chuẩn hộ nghèo"], order=1,
                                     text="Khu vực nông thôn: hộ có thu nhập bình quân đầu người/tháng từ "
                                          "1.500.000 đồng trở xuống.", kb_revision=revision)]
        session.add(document)
    build_index(runtime.session_factory, runtime.settings.index_dir, runtime.embedder)


def test_the_question_api_and_chat_survive_any_input(runtime: Runtime) -> None:
    texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)
    _index_one_document(runtime)
    with running_server(create_app(runtime)) as url, httpx.Client(base_url=url, timeout=30) as http:
        assert http.get("/readyz").json()["ready"] is True

        @settings(max_examples=40, deadline=None)
        @given(user=st.one_of(texts, st.integers()), text=st.one_of(texts, st.none(), st.integers()),
               callback=st.one_of(st.none(), texts, st.sampled_from(["f:+:1", "f:-:x", "d:1", "e:9"])),
               raw=st.one_of(st.none(), st.binary(max_size=200)))
        def run(user: object, text: object, callback: object, raw: bytes | None) -> None:
            body = {"user": user, "text": text, "callback": callback}
            answers = [http.post("/api/v1/ask", json=body), http.post("/chat/ask", json=body),
                       http.post("/chat", data={"user": str(user), "text": str(text or ""),
                                                "callback": str(callback or "")})]
            if raw is not None:
                answers.append(http.post("/api/v1/ask", content=raw, headers={"Content-Type": "application/json"}))
            RUNS["api"] += len(answers)
            assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]

        run()
    print(f"question API and chat: {RUNS['api']} fuzzed requests, no 5xx")
