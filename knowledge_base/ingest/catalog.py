"""The import catalogue (``catalog.yaml``): which files to import, with the metadata an officer prepared.

Format (see ``../shared/corpus/catalog.yaml``)::

    documents:
      - file: legal/TT-11-2022.txt        # relative to the catalogue
        kind: legal                       # legal | news
        type: Thông tư
        number: 11/2022/TT-BLĐTBXH
        title: …
        issued: 2022-06-30                # ISO dates
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge_base.ingest.formats import read_text
from knowledge_base.ingest.legal import looks_legal, parse_legal
from knowledge_base.ingest.news import parse_news
from knowledge_base.ingest.parsed import IngestError, ParsedDocument

Kind = Literal["legal", "news"]


class CatalogEntry(BaseModel):
    """One document of a catalogue, with every field ``catalog.yaml`` may carry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: Path
    kind: Kind
    type: str = Field(min_length=1)
    number: str | None = None
    title: str = Field(min_length=1)
    issuer: str | None = None
    issued: date | None = None
    effective_from: date | None = None
    period: str | None = Field(default=None, pattern=r"^\d{4}-\d{4}$")
    status: Literal["in_force", "expired", "superseded", "amended"] = "in_force"
    superseded_by: str | None = None
    superseded_on: date | None = None
    amends: list[str] = Field(default_factory=list)
    consolidates: list[str] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)
    province: str | None = None
    year: int | None = Field(default=None, ge=1945, le=2100)
    source_url: str | None = Field(default=None, pattern=r"^https?://")

    @field_validator("number", "superseded_by")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


def load_catalog(path: Path) -> list[CatalogEntry]:
    """Read and validate a catalogue; ``file`` entries come back resolved against the catalogue's folder."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise IngestError(path, f"không mở được danh mục ({error.strerror or error}).") from error
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as error:
        raise IngestError(path, f"danh mục không đúng cú pháp YAML: {error}") from error
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list) or not documents:
        raise IngestError(path, "danh mục cần có mục «documents» là một danh sách văn bản.")
    entries: list[CatalogEntry] = []
    problems: list[str] = []
    for position, raw in enumerate(documents, start=1):
        try:
            entry = CatalogEntry.model_validate(raw)
        except ValidationError as error:
            name = raw.get("file", "?") if isinstance(raw, dict) else "?"
            details = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'mục'}: {e['msg']}" for e in error.errors())
            problems.append(f"văn bản thứ {position} ({name}): {details}")
            continue
        entries.append(entry.model_copy(update={"file": (path.parent / entry.file).resolve()}))
    if problems:
        raise IngestError(path, "danh mục có lỗi — " + " | ".join(problems))
    return entries


def parse_document(path: Path, kind: str) -> ParsedDocument:
    """Read ``path`` and parse it as a legal text or a news article; errors name the file."""
    if kind not in ("legal", "news"):
        raise IngestError(path, f"loại văn bản «{kind}» không hợp lệ (chỉ nhận legal hoặc news).")
    text = read_text(path)
    try:
        return parse_legal(text) if kind == "legal" else parse_news(text)
    except IngestError as error:
        raise IngestError(path, error.reason) from error


def guess_kind(text: str) -> Kind:
    """A file imported without a catalogue: legal when it has articles ("Điều 1."), otherwise news."""
    return "legal" if looks_legal(text) else "news"
