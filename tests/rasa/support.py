"""The real Rasa engine (built by scripts/rasa.sh) and ``loa rasa-actions`` as child processes on loopback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO_ROOT

RASA_SCRIPT = REPO_ROOT / "scripts" / "rasa.sh"
ENGINE_DIR = Path(os.environ.get("LOA_RASA_HOME", "/var/cache/loa/rasa-3.6.21"))
REQUIRE_RASA = os.environ.get("LOA_TEST_REQUIRE_RASA") == "1"
ACTION_CALL = re.compile(r"Rasa action (\S+) for sender")


def require_engine() -> None:
    """Fail (CI: ``LOA_TEST_REQUIRE_RASA=1``) or skip when scripts/rasa.sh has not built the engine."""
    if (ENGINE_DIR / ".built").is_file():
        return
    message = f"no Rasa engine in {ENGINE_DIR}: run 'scripts/rasa.sh build' (and 'scripts/rasa.sh train')"
    if REQUIRE_RASA:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], seconds: float, what: str,
               process: subprocess.Popen[bytes] | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
            raise AssertionError(f"{what}: the process exited with {process.returncode}\n{tail}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.2)


def answers(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.TransportError:
            return False
    return check


@contextmanager
def child(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` in its own process group with stdout and stderr in ``log``; stopped (group and all) at exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@contextmanager
def rasa_server(action_url: str, log: Path) -> Iterator[str]:
    """Real Rasa (REST channel and HTTP API) on a free loopback port, trained model reused or trained first."""
    port = free_port()
    env = {"LOA_RASA_PORT": str(port), "LOA_ACTION_URL": action_url}
    with child(["bash", str(RASA_SCRIPT), "run"], env, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_until(answers(f"{url}/status"), 900, "Rasa server", process, log)
        yield url


@contextmanager
def action_server(port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """``loa rasa-actions`` on ``port`` with Loa's settings from ``env``."""
    command = [sys.executable, "-c", "from bot.cli import app; app()", "rasa-actions", "--port", str(port)]
    with child(command, {"PYTHONPATH": str(REPO_ROOT), **env}, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_until(answers(f"{url}/health"), 180, "loa rasa-actions", process, log)
        yield url


def action_calls(log: Path) -> list[str]:
    """The actions ``loa rasa-actions`` logged, in order."""
    return ACTION_CALL.findall(log.read_text(encoding="utf-8", errors="replace"))


def say(rasa_url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """What Rasa's REST channel answers to ``text`` from ``sender``."""
    response = httpx.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                          timeout=120)
    response.raise_for_status()
    return list(response.json())
