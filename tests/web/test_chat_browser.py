"""The web chat page in headless Chromium: ask, read the answer, press 👍."""

from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import select

from knowledge_base.models import Feedback, Message
from tests.channels.conftest import Loa

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LOA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (set LOA_CHROMIUM)")
def test_a_citizen_asks_and_rates_the_answer_on_a_small_screen(loa: Loa) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 360, "height": 640})
            page.goto(f"{loa.url}/chat")
            page.get_by_label("Câu hỏi của bạn").fill("Hộ nghèo được vay vốn không?")
            page.get_by_role("button", name="Gửi câu hỏi").click()
            answer = page.locator("#log .msg.bot").first
            answer.wait_for()
            assert "Trả lời: Hộ nghèo được vay vốn không?" in answer.inner_text()
            page.get_by_role("button", name="👍 Hữu ích").click()
            page.locator("#log .msg.bot").nth(1).wait_for()
            assert "Cảm ơn bạn đã góp ý!" in page.locator("#log .msg.bot").nth(1).inner_text()
            thumbs_down = page.locator("#log .msg.bot").first.get_by_role("button", name="👎 Chưa hữu ích")
            thumbs_down.click()  # changes the rating, does not add a second one
            page.locator("#log .msg.bot").nth(2).wait_for()
            assert thumbs_down.get_attribute("aria-pressed") == "true"
            assert page.get_by_role("button", name="👍 Hữu ích").first.get_attribute("aria-pressed") == "false"
        finally:
            browser.close()
    with loa.runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.channel == "web")).one()
        assert [(f.message_id, f.rating) for f in session.scalars(select(Feedback))] == [(message.id, -1)]
