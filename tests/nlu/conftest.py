"""Session-wide language-layer objects: built once, they take a few seconds."""

import datetime as dt
from pathlib import Path

import pytest

from nlu.diacritics import DiacriticRestorer
from nlu.understand import Understander, default_restorer

TODAY = dt.date(2025, 5, 20)


@pytest.fixture(scope="session")
def restorer(tmp_path_factory: pytest.TempPathFactory) -> DiacriticRestorer:
    return default_restorer(tmp_path_factory.mktemp("loa-cache"))


@pytest.fixture(scope="session")
def understander(restorer: DiacriticRestorer) -> Understander:
    return Understander(restorer=restorer, today=lambda: TODAY)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("loa-cache-2")
