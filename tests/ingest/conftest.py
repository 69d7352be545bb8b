"""The real corpus parsed once per test session (parsing is pure and deterministic)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge_base.ingest.catalog import CatalogEntry, load_catalog, parse_document
from knowledge_base.ingest.parsed import ParsedDocument

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture(scope="session")
def catalog(catalog_path: Path) -> list[CatalogEntry]:
    return load_catalog(catalog_path)


@pytest.fixture(scope="session")
def parsed(catalog: list[CatalogEntry], corpus_dir: Path) -> dict[str, ParsedDocument]:
    """Every corpus document parsed, keyed by its path relative to the corpus ("legal/VBHN-1315-…txt")."""
    return {entry.file.relative_to(corpus_dir.resolve()).as_posix(): parse_document(entry.file, entry.kind)
            for entry in catalog}


@pytest.fixture(scope="session")
def doc(parsed: dict[str, ParsedDocument]) -> Callable[[str], ParsedDocument]:
    """``doc("VBHN-1315")``: the parsed corpus document whose file name starts with the prefix."""

    def find(prefix: str) -> ParsedDocument:
        matches = [document for name, document in parsed.items() if name.split("/")[1].startswith(prefix)]
        assert len(matches) == 1, f"{prefix}: {len(matches)} documents"
        return matches[0]

    return find


@pytest.fixture(scope="session")
def corpus_dir_texts(corpus_dir: Path) -> dict[str, str]:
    """Raw legal texts keyed by the start of their file name ("VBHN-3503")."""
    texts: dict[str, str] = {}
    for path in sorted((corpus_dir / "legal").glob("*.txt")):
        key = "-".join(path.name.split("-")[:2]) if path.name.startswith("VBHN") else "-".join(path.name.split("-")[:3])
        texts[key] = path.read_text(encoding="utf-8")
    return texts
