"""Property-based fuzzing (hypothesis) of every webhook with valid credentials: Telegram with the right secret, Zalo
OA correctly signed, Zalo Bot with its secret. Whatever the body, the answer is never a 5xx, and nothing accepted
fails later in the background (no error logged by the channels)."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.zalo_oa import signature
from tests.channels.conftest import TELEGRAM_SECRET, ZALO_APP_ID, ZALO_BOT_SECRET, ZALO_SECRET, Loa

RUNS: Counter[str] = Counter()
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

texts = st.text(st.characters(), max_size=80)  # lone surrogates included: json.dumps escapes them
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(texts, inner, max_size=4)), max_leaves=12)
raw_bodies = st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode()))


def _message(text: Any, extra: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": 1, "date": 1_700_000_000, "chat": {"id": 5, "type": "private"}, "text": text, **extra}


telegram_updates = st.one_of(
    raw_bodies,
    st.builds(lambda uid, text, extra: json.dumps({"update_id": uid, "message": _message(text, extra)}).encode(),
              st.integers(), json_values, st.dictionaries(st.sampled_from(["from", "chat", "date", "entities"]),
                                                          json_values, max_size=2)),
)
zalo_bot_updates = st.one_of(
    raw_bodies,
    st.builds(lambda name, message: json.dumps({"result": {"event_name": name, "message": message}}).encode(),
              st.one_of(st.just("message.text.received"), texts), st.dictionaries(
                  st.sampled_from(["text", "chat", "from", "message_id", "date"]), json_values, max_size=5)),
)


def _oa_body(fields: dict[str, Any]) -> tuple[bytes, str]:
    stamp = str(int(time.time() * 1000))
    return json.dumps({**fields, "timestamp": stamp}).encode(), stamp


zalo_oa_events = st.dictionaries(st.sampled_from(["event_name", "sender", "follower", "message", "app_id"]),
                                 st.one_of(json_values, st.sampled_from(["user_send_text", "follow"])), max_size=5)


def _no_server_error(response: httpx.Response, name: str) -> None:
    RUNS[name] += 1
    assert response.status_code < 500, (name, response.status_code, response.text[:200])


@pytest.fixture(autouse=True)
def no_background_errors(loa: Loa, caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.ERROR, logger="bot")
    yield
    loa_background_settles(loa)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot.")]
    assert not failures, [r.getMessage() for r in failures][:5]


def loa_background_settles(loa: Loa) -> None:
    """Wait (with a deadline) until the engine stops receiving messages: background work has finished."""
    deadline = time.monotonic() + 10
    seen = -1
    while time.monotonic() < deadline and seen != len(loa.engine.handled):
        seen = len(loa.engine.handled)
        time.sleep(0.3)


SECRET_WEBHOOKS = {"telegram": (telegram_updates, "X-Telegram-Bot-Api-Secret-Token", TELEGRAM_SECRET),
                   "zalo-bot": (zalo_bot_updates, "X-Bot-Api-Secret-Token", ZALO_BOT_SECRET)}


@pytest.mark.parametrize("channel", sorted(SECRET_WEBHOOKS))
def test_secret_token_webhook_never_fails(loa: Loa, channel: str) -> None:
    updates, header, secret = SECRET_WEBHOOKS[channel]

    @FUZZ
    @given(body=updates)
    def run(body: bytes) -> None:
        response = httpx.post(f"{loa.url}/webhooks/{channel}", content=body, timeout=10, headers={header: secret})
        _no_server_error(response, channel)

    run()
    print(f"{channel} webhook: {RUNS[channel]} fuzzed requests, no 5xx")


def test_zalo_oa_webhook_never_fails(loa: Loa) -> None:
    @FUZZ
    @given(fields=zalo_oa_events, junk=st.binary(max_size=200))
    def run(fields: dict[str, Any], junk: bytes) -> None:
        raw, stamp = _oa_body(fields)
        for body in (raw, junk + raw):  # a signed event, and the same signed with junk in front
            mac = "mac=" + signature(ZALO_APP_ID, body, stamp, ZALO_SECRET)
            response = httpx.post(f"{loa.url}/webhooks/zalo-oa", content=body, timeout=10,
                                  headers={"X-ZEvent-Signature": mac})
            _no_server_error(response, "zalo-oa")

    run()
    print(f"zalo oa webhook: {RUNS['zalo-oa']} fuzzed requests, no 5xx")
