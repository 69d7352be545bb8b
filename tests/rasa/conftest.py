"""One real Rasa server per test session, and ``loa rasa-actions`` on the engine tests' small knowledge base (one
per database kind) behind it; Rasa's action endpoint stays the same loopback port throughout."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.engine.conftest import SMALL_KB, TODAY, Kb, embedder, index_dir, kb, write_catalog  # noqa: F401
from tests.rasa.support import action_server, free_port, rasa_server, require_engine


@dataclass(frozen=True)
class RasaFront:
    url: str
    action_port: int
    log: Path


@dataclass(frozen=True)
class Actions:
    url: str
    log: Path


# The part of the engine tests' small knowledge base this conversation asks about (fewer passages to index).
RASA_KB = tuple(path for path in SMALL_KB if "1315" in path or "cao-bang" in path or "bac-lieu" in path)


@pytest.fixture(scope="session")
def small_catalog(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalog(corpus_dir, RASA_KB, tmp_path_factory.mktemp("rasa-catalog"))


@pytest.fixture(scope="session")
def rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaFront]:
    require_engine()
    logs = tmp_path_factory.mktemp("rasa-logs")
    port = free_port()
    with rasa_server(f"http://127.0.0.1:{port}/webhook", logs / "rasa.log") as url:
        yield RasaFront(url, port, logs / "rasa.log")


@pytest.fixture(scope="module")
def actions(rasa: RasaFront, kb: Kb, database_url: str, index_dir: Path,  # noqa: F811
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Actions]:
    data_dir = tmp_path_factory.mktemp("rasa-actions-data")
    (data_dir / "index").symlink_to(index_dir)
    log = data_dir / "actions.log"
    env = {"LOA_DATA_DIR": str(data_dir), "LOA_DATABASE_URL": database_url, "LOA_TODAY": TODAY.isoformat()}
    with action_server(rasa.action_port, env, log) as url:
        yield Actions(url, log)
