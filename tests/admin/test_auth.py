"""Sign-in, roles, CSRF and throttling of the console."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.web.admin import Console
from bot.web.admin.auth import WRONG
from bot.web.admin.notices import TEXTS_VI, Notice
from bot.web.admin.security import IP_FREE_FAILURES, AddressThrottle, SessionCodec, SessionData
from knowledge_base.db import SessionFactory
from knowledge_base.models import AuditLog, ConsoleSession, Faq, Role, User, utcnow
from knowledge_base.services.users import (
    FREE_FAILURES,
    KNOWN_ADDRESS_DAYS,
    UserError,
    create_user,
    known_address,
    open_session,
    session_user,
    set_active,
)
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


def test_wrong_passwords_slow_the_account_but_never_lock_out_its_owner(client: TestClient,
                                                                       accounts: SessionFactory) -> None:
    assert sign_in(client, "canbo").status_code == 303, "the owner signs in once: this address becomes known"
    client.cookies.clear()
    answers = [sign_in(client, "canbo", "sai-mat-khau") for _ in range(FREE_FAILURES + 2)]
    assert {a.status_code for a in answers} == {401}
    assert len({WRONG in a.text for a in answers}) == 1
    with accounts() as session:
        user = session.scalar(select(User).where(User.username == "canbo"))
        assert user is not None
        assert user.locked_until is not None, "the account now waits"
        assert session.scalar(select(AuditLog).where(AuditLog.action == "lock")) is not None
    assert sign_in(client, "canbo").status_code == 303, "the right password from the owner's address passes"


def test_a_waiting_account_refuses_strangers_with_the_same_message(client: TestClient,
                                                                    accounts: SessionFactory) -> None:
    for _ in range(FREE_FAILURES):
        sign_in(client, "canbo", "sai-mat-khau")
    right = sign_in(client, "canbo")
    unknown = sign_in(client, "khong-ton-tai", "sai-mat-khau")
    assert right.status_code == unknown.status_code == 401, "never seen from here: the delay holds"
    assert WRONG in right.text
    assert WRONG in unknown.text
    with accounts.begin() as session:
        user = session.scalar(select(User).where(User.username == "canbo"))
        assert user is not None
        user.locked_until = None  # the delay has run out
    assert sign_in(client, "canbo").status_code == 303


def test_unknown_and_known_names_take_the_same_time(client: TestClient) -> None:
    def timed(name: str) -> float:
        started = time.perf_counter()
        sign_in(client, name, "sai-mat-khau")
        return time.perf_counter() - started

    for _ in range(2):
        timed("quantri"), timed("ai-do")
    known = statistics.median(timed("quantri") for _ in range(3))
    unknown = statistics.median(timed("ai-do") for _ in range(3))
    assert unknown > known / 3, f"unknown {unknown * 1000:.0f} ms vs known {known * 1000:.0f} ms: argon2 was skipped"


def test_many_wrong_sign_ins_from_one_address_make_it_wait(client: TestClient) -> None:
    for index in range(IP_FREE_FAILURES):
        assert sign_in(client, f"a{index}", "x").status_code == 401
    blocked = sign_in(client, "quantri")
    assert blocked.status_code == 429
    assert "từ địa chỉ này" in blocked.text


def test_address_throttle_is_progressive_and_cleared_by_success() -> None:
    now = [0.0]
    throttle = AddressThrottle(free_failures=2, max_delay=10, clock=lambda: now[0])
    throttle.failed("1.2.3.4")
    assert throttle.wait("1.2.3.4") == 0
    waits = []
    for _ in range(6):
        throttle.failed("1.2.3.4")
        waits.append(throttle.wait("1.2.3.4"))
    assert waits == [1, 2, 4, 8, 10, 10]
    assert throttle.wait("5.6.7.8") == 0
    throttle.succeeded("1.2.3.4")
    assert throttle.wait("1.2.3.4") == 0


def test_sign_out_ends_the_session_on_the_server(client: TestClient) -> None:
    sign_in(client, "quantri")
    copied = client.cookies.get("loa_console")
    assert client.get("/admin/users").status_code == 200
    client.post("/admin/logout", data={"csrf": token(client)}, follow_redirects=False)
    client.cookies.clear()
    client.cookies.set("loa_console", copied or "", path="/admin")
    assert client.get("/admin/users", follow_redirects=False).status_code == 303, "the copied cookie is dead"


def test_password_change_and_lock_end_every_session(client: TestClient, app: FastAPI,
                                                    accounts: SessionFactory) -> None:
    with TestClient(app) as other:
        sign_in(other, "canbo")
        assert other.get("/admin/faq").status_code == 200
        sign_in(client, "quantri")
        with accounts() as session:
            officer = session.scalar(select(User).where(User.username == "canbo"))
            assert officer is not None
        changed = client.post(f"/admin/users/{officer.id}/password",
                              data={"csrf": token(client), "password": "mat-khau-moi-dai-2"})
        assert "Đã đổi mật khẩu" in changed.text
        assert other.get("/admin/faq", follow_redirects=False).status_code == 303
        sign_in(other, "canbo", "mat-khau-moi-dai-2")
        assert other.get("/admin/faq").status_code == 200
        client.post(f"/admin/users/{officer.id}/active", data={"csrf": token(client), "active": "0"})
        assert other.get("/admin/faq", follow_redirects=False).status_code == 303


def test_session_lifetime_comes_from_settings(console: Console) -> None:
    assert console.codec.max_age == int(console.runtime.settings.session_hours * 3600)
    with console.sessions.begin() as session:
        user = create_user(session, username="tam", password=PASSWORD, role=Role.OFFICER)
        token_now = open_session(session, user, address="127.0.0.1", lifetime=timedelta(hours=1))
        assert session_user(session, token_now) is user
        assert session_user(session, token_now, now=utcnow() + timedelta(hours=2)) is None


def test_no_self_lock_and_the_last_administrator_stays(client: TestClient, accounts: SessionFactory) -> None:
    sign_in(client, "quantri")
    page = client.get("/admin/users")
    with accounts() as session:
        admin = session.scalar(select(User).where(User.username == "quantri"))
        assert admin is not None
    assert f'action="/admin/users/{admin.id}/active"' not in page.text, "no Khoá button on one's own account"
    refused = client.post(f"/admin/users/{admin.id}/active", data={"csrf": token(client), "active": "0"})
    assert "tự khoá" in refused.text
    with accounts.begin() as session, pytest.raises(UserError, match="quản trị viên cuối cùng"):
        set_active(session, admin.id, False, actor="khac", actor_id=None)


def test_banners_only_from_the_fixed_set_of_codes(client: TestClient) -> None:
    sign_in(client, "canbo")
    forged = client.get("/admin", params={"msg": "Phiên hết hạn, gọi 0900000000"})
    assert "0900000000" not in forged.text
    assert 'class="flash"' not in forged.text
    known = client.get("/admin", params={"msg": Notice.FAQ_SAVED.value})
    assert f'<p class="flash" role="status">{TEXTS_VI[Notice.FAQ_SAVED]}</p>' in known.text


def test_review_items_stay_with_administrators_on_every_route(client: TestClient) -> None:
    sign_in(client, "canbo")
    assert client.get("/admin/faq/new", params={"from_item": 1}).status_code == 403
    client.cookies.clear()
    sign_in(client, "quantri")
    missing = client.get("/admin/faq/new", params={"from_item": 999})
    assert missing.status_code == 404
    retire = client.post("/admin/documents/99999/retire", data={"csrf": token(client), "retired": "1"})
    assert retire.status_code == 404
    assert "Không tìm thấy văn bản" in retire.text


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
    cookie = codec.dumps(SessionData("t", "phien"))
    assert SessionCodec("bi-mat", max_age=3600).loads(cookie) == SessionData("t", "phien")
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


def test_known_addresses_are_forgotten_with_their_old_sessions(accounts: SessionFactory) -> None:
    long_ago = utcnow() - timedelta(days=KNOWN_ADDRESS_DAYS + 5)
    with accounts.begin() as session:
        user = session.scalar(select(User).where(User.username == "canbo"))
        assert user is not None
        open_session(session, user, address="10.0.0.9", lifetime=timedelta(hours=8), now=long_ago)
        assert not known_address(session, user.id, "10.0.0.9", utcnow()), "30 days have passed"
        open_session(session, user, address="10.0.0.1", lifetime=timedelta(hours=8))
        assert known_address(session, user.id, "10.0.0.1", utcnow())
        addresses = session.scalars(select(ConsoleSession.address).where(ConsoleSession.user_id == user.id)).all()
    assert addresses == ["10.0.0.1"], "the old session row was pruned"


def test_a_malformed_multipart_form_is_a_400_page(client: TestClient) -> None:
    sign_in(client, "canbo")
    broken = client.post("/admin/faq/new", content=b"--x\r\nnot a part",
                         headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert broken.status_code == 400
