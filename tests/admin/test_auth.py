"""Sign-in, roles, CSRF and throttling of the console."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.web.admin.security import SessionCodec, SessionData
from knowledge_base.db import SessionFactory
from knowledge_base.models import AuditLog, Faq, User
from tests.admin.support import PASSWORD, sign_in, token

ADMIN_PAGES = ("/admin/review", "/admin/users", "/admin/analytics", "/admin/audit", "/admin/analytics/export.csv")
OFFICER_PAGES = ("/admin", "/admin/documents", "/admin/documents/upload", "/admin/faq", "/admin/faq/new",
                 "/admin/publish")


def test_pages_need_sign_in(client: TestClient) -> None:
    for path in (*OFFICER_PAGES, *ADMIN_PAGES):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/admin/login?next=")


def test_officer_reaches_content_pages_but_not_admin_pages(client: TestClient) -> None:
    assert sign_in(client, "canbo").status_code == 303
    for path in OFFICER_PAGES:
        assert client.get(path).status_code == 200, path
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "chỉ dành cho quản trị viên" in response.text
    assert "Hộp xem xét" not in client.get("/admin").text


def test_admin_reaches_every_page(client: TestClient) -> None:
    assert sign_in(client, "quantri").status_code == 303
    for path in (*OFFICER_PAGES, *ADMIN_PAGES):
        assert client.get(path).status_code == 200, path


def test_officer_cannot_post_to_admin_actions(client: TestClient, accounts: SessionFactory) -> None:
    sign_in(client, "canbo")
    csrf = token(client)
    response = client.post("/admin/users", data={"csrf": csrf, "username": "moi", "password": PASSWORD,
                                                 "role": "admin"})
    assert response.status_code == 403
    with accounts() as session:
        assert session.scalar(select(User).where(User.username == "moi")) is None


def test_form_without_csrf_is_rejected(client: TestClient, accounts: SessionFactory) -> None:
    page = client.get("/admin/login")
    assert page.status_code == 200
    no_token = client.post("/admin/login", data={"username": "canbo", "password": PASSWORD})
    assert no_token.status_code == 403
    sign_in(client, "canbo")
    draft = {"questions": "Hộ cận nghèo được hỗ trợ gì?", "answer": "Được hỗ trợ bảo hiểm y tế.", "action": "save"}
    assert client.post("/admin/faq/new", data=draft).status_code == 403
    assert client.post("/admin/faq/new", data={**draft, "csrf": "gia-mao"}).status_code == 403
    with accounts() as session:
        assert session.scalars(select(Faq)).all() == []
    assert client.post("/admin/faq/new", data={**draft, "csrf": token(client)}, follow_redirects=False
                       ).status_code == 303


def test_five_wrong_passwords_lock_the_account(client: TestClient, accounts: SessionFactory) -> None:
    for _ in range(4):
        assert sign_in(client, "canbo", "sai-mat-khau").status_code == 401
    locked = sign_in(client, "canbo", "sai-mat-khau")
    assert locked.status_code == 429
    assert "tạm khoá" in locked.text
    right = sign_in(client, "canbo")
    assert right.status_code == 429, "the right password must not open a locked account"
    assert client.get("/admin/documents", follow_redirects=False).status_code == 303
    with accounts() as session:
        assert session.scalar(select(AuditLog).where(AuditLog.action == "lock")) is not None
    assert sign_in(client, "quantri").status_code == 303, "another account is not locked"


def test_five_wrong_sign_ins_lock_the_address(client: TestClient) -> None:
    for name in ("a1", "a2", "a3", "a4"):
        assert sign_in(client, name, "x").status_code == 401
    assert sign_in(client, "a5", "x").status_code == 401
    blocked = sign_in(client, "quantri")
    assert blocked.status_code == 429
    assert "từ máy này" in blocked.text


def test_sign_out_and_tampered_or_expired_cookie(client: TestClient) -> None:
    sign_in(client, "canbo")
    assert client.get("/admin/faq").status_code == 200
    cookie = client.cookies.get("loa_console")
    assert cookie
    client.cookies.clear()
    client.cookies.set("loa_console", cookie[:-2] + "xx")
    assert client.get("/admin/faq", follow_redirects=False).status_code == 303
    client.cookies.clear()
    sign_in(client, "canbo")
    out = client.post("/admin/logout", data={"csrf": token(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/admin/faq", follow_redirects=False).status_code == 303
    codec = SessionCodec("bi-mat", max_age=0)
    cookie = codec.dumps(SessionData("t", 1))
    assert SessionCodec("bi-mat", max_age=3600).loads(cookie) == SessionData("t", 1)
    assert SessionCodec("khac", max_age=3600).loads(cookie) is None
    assert SessionCodec("bi-mat", max_age=-1).loads(cookie) is None


def test_login_does_not_redirect_off_site(client: TestClient) -> None:
    page = client.get("/admin/login?next=https://evil.example/")
    assert 'value="/admin"' in page.text


def test_admin_manages_accounts_with_audit(client: TestClient, accounts: SessionFactory) -> None:
    sign_in(client, "quantri")
    short = client.post("/admin/users", data={"csrf": token(client), "username": "lan", "password": "ngan",
                                              "role": "officer"})
    assert "ít nhất 10 ký tự" in short.text
    client.post("/admin/users", data={"csrf": token(client), "username": "Lan", "display_name": "Nguyễn Thị Lan",
                                      "password": PASSWORD, "role": "officer"})
    with accounts() as session:
        lan = session.scalar(select(User).where(User.username == "lan"))
        assert lan is not None
        assert lan.password_hash.startswith("$argon2")
    client.post(f"/admin/users/{lan.id}/active", data={"csrf": token(client), "active": "0"})
    client.cookies.clear()
    assert sign_in(client, "lan").status_code == 401, "a deactivated account cannot sign in"
    with accounts() as session:
        entries = session.scalars(select(AuditLog).where(AuditLog.entity_type == "user",
                                                         AuditLog.entity_id == str(lan.id))
                                  .order_by(AuditLog.id)).all()
    assert [(e.action, e.actor) for e in entries] == [("create", "quantri"), ("deactivate", "quantri")]
    assert entries[1].before is not None
    assert entries[1].after is not None
    assert entries[1].before["active"] is True
    assert entries[1].after["active"] is False
    assert "password" not in str(entries[0].after)
