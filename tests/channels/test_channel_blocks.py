"""Each channel's own block size cuts a reply once, in the gateway (Telegram 4,096, Zalo 2,000); Zalo Bot answers
a withheld (``message.unsupported.received``) message kindly; malformed webhook bodies are 400."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.channels.blocks import BlockSize, block_size, for_channel
from bot.channels.state import store_token
from bot.channels.zalo_bot import UNSUPPORTED
from bot.channels.zalo_oa import signature
from bot.engine.contracts import Decision, Reply
from tests.channels.conftest import TELEGRAM_SECRET, ZALO_APP_ID, ZALO_BOT_SECRET, ZALO_SECRET, Loa
from tests.channels.support import LONG_QUESTION, FakeApi
from tests.channels.test_zalo_bot import deliver as deliver_bot
from tests.channels.test_zalo_bot import update
from tests.channels.test_zalo_oa import deliver as deliver_oa
from tests.channels.test_zalo_oa import event

LONG_ANSWER = ("Câu trả lời rất dài. " * 300).strip()


@pytest.fixture
def token(loa: Loa) -> None:
    expires = datetime.now(UTC) + timedelta(hours=20)
    store_token(loa.runtime.session_factory, "zalo_oa", "access-0", "refresh-0", expires)


def test_the_block_size_is_the_channels_own_not_the_inbound_limit() -> None:
    reply = Reply(Decision.ANSWERED, LONG_ANSWER)
    telegram, zalo = for_channel(reply, "telegram").blocks, for_channel(reply, "zalo_bot").blocks
    assert (len(telegram), len(zalo)) == (2, 4)
    assert max(map(len, telegram)) <= 4096 < sum(map(len, telegram))
    assert max(map(len, zalo)) <= 2000
    assert " ".join(zalo) == " ".join(telegram) == LONG_ANSWER
    assert block_size("zalo_oa") == BlockSize.ZALO
    assert block_size("web") == BlockSize.OTHER


def test_zalo_bot_sends_2000_character_blocks_with_the_choices_last(loa: Loa, zalo_bot_api: FakeApi) -> None:
    assert deliver_bot(loa, update(LONG_QUESTION, "zb-long")).status_code == 200
    zalo_bot_api.wait_for("sendMessage", 4)
    time.sleep(0.4)
    texts = [call.body["text"] for call in zalo_bot_api.calls("sendMessage")]
    assert len(texts) == 4, [len(t) for t in texts]
    assert all(len(text) <= 2000 for text in texts)
    assert texts[-1].endswith("1. Xem chi tiết\n2. 👍\n3. 👎")
    assert all("Trả lời bằng một con số" not in text for text in texts[:-1])


def test_zalo_oa_sends_2000_character_blocks_with_the_buttons_last(loa: Loa, zalo_oa_api: FakeApi,
                                                                   token: None) -> None:
    assert deliver_oa(loa, event(LONG_QUESTION, "oa-long")).status_code == 200
    zalo_oa_api.wait_for("cs", 4)
    time.sleep(0.4)
    messages = [call.body["message"] for call in zalo_oa_api.calls("cs")]
    assert len(messages) == 4
    assert all(len(message["text"]) <= 2000 for message in messages)
    assert " ".join(message["text"] for message in messages) == LONG_ANSWER
    assert ["attachment" in message for message in messages] == [False, False, False, True]


def test_zalo_bot_answers_a_withheld_message_kindly(loa: Loa, zalo_bot_api: FakeApi) -> None:
    payload = update("", "zb-unsupported")
    payload["result"]["event_name"] = "message.unsupported.received"
    del payload["result"]["message"]["text"]
    assert deliver_bot(loa, payload).status_code == 200
    [sent] = zalo_bot_api.wait_for("sendMessage")
    assert sent.body == {"chat_id": "zchat-1", "text": UNSUPPORTED}
    assert loa.engine.handled == []


@pytest.mark.parametrize("template", [b'{"timestamp": "TS", "message": {"text": "x"',
                                      b'{"timestamp": "TS", "message": "x"}',
                                      b'{"timestamp": "TS", "message": {"chat": [1]}, "sender": 5}',
                                      b'{"timestamp": "TS", "text": "\xff\xfe"}'])
def test_malformed_bodies_are_400_on_every_webhook(loa: Loa, template: bytes) -> None:
    """Each body carries a signed timestamp, so Zalo OA's signature holds and only the body is wrong."""
    timestamp = str(int(time.time() * 1000))
    body = template.replace(b"TS", timestamp.encode())
    oa_mac = "mac=" + signature(ZALO_APP_ID, body, timestamp, ZALO_SECRET)
    targets: list[tuple[str, dict[str, Any]]] = [
        ("/webhooks/telegram", {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}),
        ("/webhooks/zalo-bot", {"X-Bot-Api-Secret-Token": ZALO_BOT_SECRET}),
        ("/webhooks/zalo-oa", {"X-ZEvent-Signature": oa_mac}),
    ]
    for path, headers in targets:
        response = httpx.post(f"{loa.url}{path}", content=body, timeout=10,
                              headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.status_code, response.text)
