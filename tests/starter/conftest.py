"""Helpers to build edited copies of the shipped starter data in a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base.starter.loader import STARTER_DIR, StarterKnowledge, load_starter

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def starter() -> StarterKnowledge:
    return load_starter()


@pytest.fixture
def starter_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the shipped data to ``tmp_path`` and apply edits: ``{"faq/ra-soat.yaml": fn, ...}``."""

    def make(edits: dict[str, Edit] | None = None) -> Path:
        target = tmp_path / "starter"
        shutil.rmtree(target, ignore_errors=True)
        (target / "faq").mkdir(parents=True)
        shutil.copy(STARTER_DIR / "sources.yaml", target / "sources.yaml")
        for path in (STARTER_DIR / "faq").glob("*.yaml"):
            shutil.copy(path, target / "faq" / path.name)
        for relative, edit in (edits or {}).items():
            path = target / relative
            data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {"entries": []}
            edit(data)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return target

    return make
