"""``loa telegram set-webhook`` / ``webhook-info`` against the fake Bot API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.common import settings
from tests.channels.support import FakeApi


@pytest.fixture
def cli_env(tmp_path: Path, telegram_api: FakeApi) -> Iterator[dict[str, str]]:
    telegram_api.requests.clear()
    settings.cache_clear()
    yield {"LOA_DATA_DIR": str(tmp_path), "LOA_TELEGRAM_TOKEN": "123456:TEST", "LOA_TELEGRAM_API_URL": telegram_api.url,
           "LOA_TELEGRAM_WEBHOOK_SECRET": "s3cret_token", "LOA_PUBLIC_URL": "https://loa.example.gov.vn/"}
    settings.cache_clear()


def test_set_webhook_sends_the_secret_and_allowed_updates(cli_env: dict[str, str], telegram_api: FakeApi) -> None:
    result = CliRunner().invoke(app, ["telegram", "set-webhook"], env=cli_env)
    assert result.exit_code == 0, result.output
    [call] = telegram_api.calls("setWebhook")
    assert call.body["url"] == "https://loa.example.gov.vn/webhooks/telegram"
    assert call.body["secret_token"] == "s3cret_token"
    assert json.loads(call.body["allowed_updates"]) == ["message", "edited_message", "callback_query"]
    assert "Đã đăng ký webhook" in result.output


def test_set_webhook_refuses_without_a_secret(cli_env: dict[str, str], telegram_api: FakeApi) -> None:
    result = CliRunner().invoke(app, ["telegram", "set-webhook"], env={**cli_env, "LOA_TELEGRAM_WEBHOOK_SECRET": ""})
    assert result.exit_code == 2
    assert telegram_api.calls("setWebhook") == []


def test_webhook_info_prints_what_telegram_knows(cli_env: dict[str, str], telegram_api: FakeApi) -> None:
    result = CliRunner().invoke(app, ["telegram", "webhook-info"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "https://loa.example/webhooks/telegram" in result.output
    assert len(telegram_api.calls("getWebhookInfo")) == 1
