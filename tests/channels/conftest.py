"""A running Loa web app (real uvicorn on loopback) with fake Telegram, Zalo OA and Zalo Bot APIs beside it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.http import running_server
from bot.settings import Settings
from bot.web.app import create_app
from knowledge_base.db import SessionFactory
from tests.channels.support import (
    FakeApi,
    ScriptedEngine,
    ScriptedRuntime,
    fake_api,
    telegram_responder,
    zalo_bot_responder,
    zalo_oa_responder,
)

TELEGRAM_SECRET = "telegram-secret-123"
ZALO_APP_ID = "1234567890"
ZALO_SECRET = "oa-secret-key"
ZALO_BOT_SECRET = "zalo-bot-secret-123"


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[FakeApi]:
    with fake_api(telegram_responder) as api:
        yield api


@pytest.fixture(scope="session")
def zalo_oa_api() -> Iterator[FakeApi]:
    with fake_api(zalo_oa_responder) as api:
        yield api


@pytest.fixture(scope="session")
def zalo_bot_api() -> Iterator[FakeApi]:
    with fake_api(zalo_bot_responder) as api:
        yield api


@pytest.fixture
def fakes(telegram_api: FakeApi, zalo_oa_api: FakeApi, zalo_bot_api: FakeApi) -> Iterator[None]:
    for api in (telegram_api, zalo_oa_api, zalo_bot_api):
        api.requests.clear()
    yield
    for api in (telegram_api, zalo_oa_api, zalo_bot_api):
        api.requests.clear()


def make_settings(tmp_path: Path, database_url: str, telegram: FakeApi, zalo_oa: FakeApi, zalo_bot: FakeApi,
                  **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path, "database_url": database_url,
        "telegram_token": "123456:TEST", "telegram_webhook_secret": TELEGRAM_SECRET, "telegram_api_url": telegram.url,
        "zalo_oa_app_id": ZALO_APP_ID, "zalo_oa_secret_key": ZALO_SECRET, "zalo_oa_api_url": zalo_oa.url,
        "zalo_oa_oauth_url": zalo_oa.url,
        "zalo_bot_token": "zb-token", "zalo_bot_webhook_secret": ZALO_BOT_SECRET, "zalo_bot_api_url": zalo_bot.url,
        "rate_limit_per_minute": 100, "max_message_chars": 500, "public_url": "https://loa.example.gov.vn",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class Loa:
    url: str
    runtime: ScriptedRuntime
    settings: Settings

    @property
    def engine(self) -> ScriptedEngine:
        return self.runtime.engine


@pytest.fixture
def loa_settings(tmp_path: Path, database_url: str, telegram_api: FakeApi, zalo_oa_api: FakeApi,
                 zalo_bot_api: FakeApi) -> Settings:
    return make_settings(tmp_path, database_url, telegram_api, zalo_oa_api, zalo_bot_api)


@pytest.fixture
def loa(loa_settings: Settings, session_factory: SessionFactory, fakes: None) -> Iterator[Loa]:
    runtime = ScriptedRuntime(loa_settings, session_factory, ScriptedEngine(session_factory))
    with running_server(create_app(runtime, retry_delay=0.05)) as url:
        yield Loa(url, runtime, loa_settings)
