"""``loa zalo set-token`` / ``token-status``: the operator installs the first OA token pair into the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from bot.channels.state import load_token
from bot.cli import app
from bot.cli.common import settings


@pytest.fixture
def cli_env(database_url: str, session_factory: sessionmaker) -> Iterator[dict[str, str]]:
    settings.cache_clear()
    yield {"LOA_DATABASE_URL": database_url}
    settings.cache_clear()


def test_set_token_stores_the_pair_and_status_hides_it(cli_env: dict[str, str], session_factory: sessionmaker) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["zalo", "token-status"], env=cli_env).exit_code == 1

    result = runner.invoke(app, ["zalo", "set-token", "--expires-in", "3600"], env=cli_env,
                           input="access-AAA\nrefresh-BBB\n")
    assert result.exit_code == 0, result.output
    stored = load_token(session_factory, "zalo_oa")
    assert stored is not None
    assert (stored.access_token, stored.refresh_token) == ("access-AAA", "refresh-BBB")
    assert abs(stored.expires_at - (datetime.now(UTC) + timedelta(hours=1))) < timedelta(minutes=1)

    result = runner.invoke(app, ["zalo", "set-token"], env={**cli_env, "LOA_ZALO_OA_ACCESS_TOKEN": "access-CCC",
                                                            "LOA_ZALO_OA_REFRESH_TOKEN": "refresh-DDD"})
    assert result.exit_code == 0, result.output
    replaced = load_token(session_factory, "zalo_oa")
    assert replaced is not None
    assert replaced.refresh_token == "refresh-DDD"
    assert replaced.generation == stored.generation + 1

    status = runner.invoke(app, ["zalo", "token-status"], env=cli_env)
    assert status.exit_code == 0
    assert "còn hiệu lực" in status.output
    assert "access-CCC" not in status.output
    assert "refresh-DDD" not in status.output


def test_set_token_refuses_blank_tokens(cli_env: dict[str, str], session_factory: sessionmaker) -> None:
    result = CliRunner().invoke(app, ["zalo", "set-token", "--access-token", " ", "--refresh-token", "x"],
                                env=cli_env)
    assert result.exit_code == 2
    assert load_token(session_factory, "zalo_oa") is None
