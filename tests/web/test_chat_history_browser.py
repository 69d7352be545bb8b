"""The web chat in headless Chromium: a greeting to start from, a conversation that survives a reload, an officer's
reply arriving in the open page, and the last reply kept above the question box at phone width."""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.channels.outbound import send_to_user
from bot.review.inbox import mark_answered
from bot.review.queue import enqueue
from knowledge_base.models import Message, OfficerReply
from tests.channels.conftest import Loa

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LOA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("LOA_SCREENSHOTS", "/tmp")
OFFICER_TEXT = "Chào bạn, hộ nghèo được vay vốn ưu đãi tại Ngân hàng Chính sách xã hội nơi cư trú."


def _last_reply_is_above_the_box(page: Any) -> bool:
    return bool(page.evaluate(
        "() => { const all = document.querySelectorAll('#log .msg');"
        " const last = all[all.length - 1].getBoundingClientRect();"
        " const box = document.getElementById('ask').getBoundingClientRect();"
        " return last.bottom <= Math.min(box.top, window.innerHeight) + 1 && last.bottom > 0; }"))


def _officer_replies(loa: Loa, user_key: str, text: str) -> None:
    """What the console's reply route does: file the exchange, send through the one door, keep the reply."""
    with loa.runtime.session_factory.begin() as session:
        message = session.scalars(select(Message).where(Message.channel == "web")
                                  .order_by(Message.id.desc())).first()
        assert message is not None
        assert message.conversation.user_key == user_key
        item = enqueue(session, message=message, reason="handoff", embedding=None)
        example_id = item.examples[-1].id
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API runs its own event loop in this thread
        pool.submit(asyncio.run, send_to_user(loa.runtime, "web", user_key, text)).result()
    with loa.runtime.session_factory.begin() as session:
        mark_answered(session, example_id, text, actor="canbo", actor_id=None)


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (set LOA_CHROMIUM)")
@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)])
def test_greeting_reload_and_officer_reply(loa: Loa, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    assert httpx.get(f"{loa.url}/favicon.ico").status_code == 200
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{loa.url}/chat")
            greeting = page.locator(".greeting")
            assert "Xin chào" in greeting.inner_text()
            starters = greeting.get_by_role("button")
            assert starters.count() == 4
            assert "Tự kiểm tra hộ nghèo" in starters.nth(3).inner_text()
            question = starters.nth(0).inner_text()
            starters.nth(0).click()
            page.locator("#log .msg.bot").first.wait_for()
            assert f"Trả lời: {question}" in page.locator("#log .msg.bot").first.inner_text()
            assert page.evaluate("() => document.activeElement && document.activeElement.id") != "text"
            for i in range(3):  # a few long exchanges: the last one and its buttons stay above the box
                page.get_by_label("Câu hỏi của bạn").fill(f"Câu hỏi số {i} về hỗ trợ tiền điện cho hộ nghèo?")
                page.get_by_role("button", name="Gửi câu hỏi").click()
                page.locator("#log .msg.bot").nth(i + 1).wait_for()
                assert _last_reply_is_above_the_box(page)
                assert page.evaluate("() => document.activeElement && document.activeElement.id") != "text"
            page.screenshot(path=f"{SHOTS}/loa-chat-{width}-answers.png")
            user_key = page.evaluate("() => window.localStorage.getItem('loa-user')")

            page.reload()
            page.locator("#log .msg.bot").nth(3).wait_for()
            assert f"Trả lời: {question}" in page.locator("#log").inner_text()

            _officer_replies(loa, user_key, OFFICER_TEXT)
            officer = page.locator("#log .msg.officer")
            officer.wait_for(timeout=25000)  # polled, no reload
            assert OFFICER_TEXT in officer.inner_text()
            assert _last_reply_is_above_the_box(page)
            page.screenshot(path=f"{SHOTS}/loa-chat-{width}-officer.png")

            page.reload()
            page.locator("#log .msg.officer").wait_for()
            assert page.locator("#log .msg.officer").count() == 1
            assert not errors, errors
        finally:
            browser.close()
    with loa.runtime.session_factory() as session:
        assert session.scalars(select(OfficerReply.text)).all() == [OFFICER_TEXT]
