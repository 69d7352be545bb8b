"""Start-up does not depend on the platforms: with Telegram and Zalo Bot unreachable the app serves chat and API,
reports the channels degraded in /readyz and /metrics, and brings them up in the background once they answer."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from bench.http import running_server
from bot.web.app import create_app
from knowledge_base.db import SessionFactory
from tests.channels.conftest import make_settings
from tests.channels.support import FakeApi, ScriptedEngine, ScriptedRuntime


def wait_for_channels(url: str, expected: str = "up", timeout: float = 15.0) -> dict[str, str]:
    """The ``channels`` part of /readyz once every channel is ``expected`` (or, at the timeout, as it is)."""
    deadline = time.monotonic() + timeout
    while True:
        channels: dict[str, str] = httpx.get(f"{url}/readyz").json().get("channels", {})
        if (channels and set(channels.values()) == {expected}) or time.monotonic() > deadline:
            return channels
        time.sleep(0.05)


def _refusing_url() -> str:
    """A loopback port nobody listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _channel_gauges(url: str) -> dict[str, float]:
    text = httpx.get(f"{url}/metrics").text
    gauges = {}
    for line in text.splitlines():
        if line.startswith("loa_channel_up{"):
            labels, value = line.rsplit(" ", 1)
            gauges[labels.split('"')[1]] = float(value)
    return gauges


def test_platforms_unreachable_app_serves_and_reports_degraded(tmp_path: Path, database_url: str,
                                                              session_factory: SessionFactory,
                                                              zalo_oa_api: FakeApi) -> None:
    down = _refusing_url()
    settings = make_settings(tmp_path, database_url, zalo_oa_api, zalo_oa_api, zalo_oa_api,
                             telegram_api_url=down, zalo_bot_api_url=down)
    runtime = ScriptedRuntime(settings, session_factory, ScriptedEngine(session_factory))
    with running_server(create_app(runtime, retry_delay=0.01, startup_delay=0.05)) as url:
        time.sleep(0.5)  # several retries have failed by now
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 200
        assert ready.json()["ready"] is True
        assert ready.json()["channels"] == {"telegram": "degraded", "zalo_bot": "degraded"}
        assert _channel_gauges(url) == {"telegram": 0.0, "zalo_bot": 0.0}
        answer = httpx.post(f"{url}/api/v1/ask", json={"user": "u-1", "text": "Chuẩn nghèo là gì?"})
        assert answer.status_code == 200
        assert answer.json()["decision"] == "answered"
        assert httpx.get(f"{url}/chat").status_code == 200


def test_channels_come_up_after_the_platforms_recover(tmp_path: Path, database_url: str,
                                                      session_factory: SessionFactory, telegram_api: FakeApi,
                                                      zalo_oa_api: FakeApi, zalo_bot_api: FakeApi,
                                                      fakes: None) -> None:
    telegram_api.fail_next("getMe", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}, times=3)
    zalo_bot_api.fail_next("setWebhook", 200, {"ok": False, "description": "temporarily unavailable"}, times=6)
    settings = make_settings(tmp_path, database_url, telegram_api, zalo_oa_api, zalo_bot_api)
    runtime = ScriptedRuntime(settings, session_factory, ScriptedEngine(session_factory))
    with running_server(create_app(runtime, retry_delay=0.01, startup_delay=0.05)) as url:
        assert wait_for_channels(url) == {"telegram": "up", "zalo_bot": "up"}
        assert _channel_gauges(url) == {"telegram": 1.0, "zalo_bot": 1.0}
        assert len(telegram_api.calls("getMe")) == 4
        assert len(zalo_bot_api.calls("setWebhook")) == 7
