"""Shared fixtures: the test corpus, and one database fixture parametrised over SQLite and PostgreSQL.

The test corpus is what a clone has: the seven legal texts shipped in ``knowledge_base/corpus`` plus made-up news
pages (``tests/fixtures/news``), in one folder with one catalogue. Tests that read ``../shared`` (the evaluation
sets) use the ``shared_dir`` fixture: they skip when it is absent, unless ``LOA_TEST_REQUIRE_SHARED=1`` (CI), which
makes a missing folder fail them.

PostgreSQL: each test session creates its own throw-away database on the server named by
``LOA_TEST_POSTGRES_URL`` (default: the local server, database ``test`` as the maintenance database).
When ``LOA_TEST_REQUIRE_POSTGRES=1`` (CI), an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from knowledge_base.corpus import CORPUS_DIR, SHIPPED_CATALOG
from knowledge_base.db import SessionFactory, make_engine, make_session_factory, upgrade
from knowledge_base.models import Base

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("LOA_SHARED_DIR", REPO_ROOT.parent / "shared"))
POSTGRES_URL = os.environ.get("LOA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("LOA_TEST_REQUIRE_POSTGRES") == "1"
REQUIRE_SHARED = os.environ.get("LOA_TEST_REQUIRE_SHARED") == "1"
NEWS_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "news"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (evaluation sets, the full corpus): skip without it, fail without it in CI."""
    if not (SHARED_DIR / "eval").is_dir() or not (SHARED_DIR / "corpus" / "catalog.yaml").is_file():
        message = f"shared data not found at {SHARED_DIR} (set LOA_SHARED_DIR)"
        if REQUIRE_SHARED:
            pytest.fail(message + ": LOA_TEST_REQUIRE_SHARED=1 requires it")
        pytest.skip(message)
    return SHARED_DIR


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped legal texts and the made-up news pages in one folder (``legal/``, ``news/``, ``catalog.yaml``)."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS_DIR / "legal", root / "legal")
    shutil.copytree(NEWS_FIXTURES / "news", root / "news")
    legal = yaml.safe_load(SHIPPED_CATALOG.read_text(encoding="utf-8"))["documents"]
    news = yaml.safe_load((NEWS_FIXTURES / "catalog.yaml").read_text(encoding="utf-8"))["documents"]
    (root / "catalog.yaml").write_text(yaml.safe_dump({"documents": legal + news}, allow_unicode=True),
                                      encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def catalog_path(corpus_dir: Path) -> Path:
    return corpus_dir / "catalog.yaml"


def _postgres_database() -> Iterator[str]:
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"loa_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is down or refuses us
        message = f"PostgreSQL not reachable at {admin_url.render_as_string()}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database of each kind, created once per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'loa.sqlite3'}"
        upgrade(url)
        yield url
        return
    for url in _postgres_database():
        upgrade(url)
        yield url


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text("INSERT INTO kb_state (id, revision, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)"))


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty, migrated database (SQLite and PostgreSQL), emptied again after the test."""
    engine = make_engine(database_url)
    _empty_all_tables(engine)
    yield engine
    _empty_all_tables(engine)
    engine.dispose()


@pytest.fixture
def session_factory(db_engine: Engine) -> SessionFactory:
    return make_session_factory(db_engine)
