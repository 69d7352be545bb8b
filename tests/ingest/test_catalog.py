"""The import catalogue: the test corpus's ``catalog.yaml`` (shipped legal texts + made-up news) and the errors an
officer sees for a broken one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge_base.ingest.catalog import CatalogEntry, guess_kind, load_catalog, parse_document
from knowledge_base.ingest.parsed import IngestError


def test_real_catalogue_loads_all_documents(catalog: list[CatalogEntry]) -> None:
    assert len(catalog) == 10
    assert sum(entry.kind == "legal" for entry in catalog) == 7
    assert all(entry.file.is_file() for entry in catalog)
    superseded = next(entry for entry in catalog if entry.number == "1676/VBHN-BLĐTBXH")
    assert superseded.status == "superseded"
    assert superseded.superseded_by == "03/2024/TT-BLĐTBXH"
    assert superseded.superseded_on == date(2024, 6, 5)
    assert superseded.consolidates == ["09/2022/TT-BLĐTBXH", "02/2023/TT-BLĐTBXH"]
    news = next(entry for entry in catalog if entry.province == "Cao Bằng")
    assert (news.kind, news.year, news.number, news.status) == ("news", 2024, None, "in_force")


def test_catalogue_errors_name_the_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "documents:\n"
        "  - file: a.txt\n    kind: legal\n    type: Thông tư\n    title: A\n    issued: 30/4/2022\n"
        "  - file: b.txt\n    kind: video\n    type: Tin bài\n    title: B\n    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert "catalog.yaml" in message
    assert "văn bản thứ 1 (a.txt): issued" in message
    assert "văn bản thứ 2 (b.txt)" in message
    assert "kind" in message
    assert "colour" in message


@pytest.mark.parametrize("content", ["documents: []\n", "- just a list\n", "documents: [\n"])
def test_malformed_catalogue_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match="danh mục"):
        load_catalog(path)


def test_parse_document_rejects_unknown_kind(catalog: list[CatalogEntry]) -> None:
    with pytest.raises(IngestError, match="loại văn bản"):
        parse_document(catalog[0].file, "video")


def test_kind_is_guessed_from_articles(catalog: list[CatalogEntry]) -> None:
    for entry in catalog:
        assert guess_kind(entry.file.read_text(encoding="utf-8")) == entry.kind
