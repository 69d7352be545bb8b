"""The knowledge base built from the package alone (no ../shared): the seven legal texts with their passages, then the
starter FAQ citing them, through ``loa kb starter``; idempotent; ``loa kb list --json`` reports it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.common import settings
from knowledge_base.corpus import SHIPPED_CATALOG
from knowledge_base.db import make_session_factory
from knowledge_base.ingest.catalog import load_catalog
from knowledge_base.models import AuditLog, Document, DocumentKind, FaqCitation
from knowledge_base.services.revision import current_revision

PASSAGES = {
    "02/2022/TT-BLĐTBXH": 105, "03/2024/TT-BLĐTBXH": 68, "10/2022/TT-BLĐTBXH": 173, "11/2022/TT-BLĐTBXH": 78,
    "1315/VBHN-BLĐTBXH": 149, "1676/VBHN-BLĐTBXH": 94, "3503/VBHN-BLĐTBXH": 242,
}


@pytest.fixture
def cli(db_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("LOA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOA_DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LOA_SHARED_DIR", str(tmp_path / "no-shared"))
    settings.cache_clear()
    yield CliRunner()
    settings.cache_clear()


def test_the_package_ships_seven_legal_texts_inside_itself() -> None:
    entries = load_catalog(SHIPPED_CATALOG)
    assert {entry.number for entry in entries} == set(PASSAGES)
    assert all(entry.kind == "legal" and entry.file.is_relative_to(SHIPPED_CATALOG.parent) for entry in entries)
    assert all(entry.file.is_file() and entry.source_url for entry in entries)


def test_kb_starter_builds_the_knowledge_base_from_the_package(cli: CliRunner, db_engine: Engine) -> None:
    first = cli.invoke(app, ["kb", "starter"])
    assert first.exit_code == 0, first.output
    assert "7 văn bản, 909 đoạn (7 mới" in " ".join(first.stdout.split())
    factory = make_session_factory(db_engine)
    with factory() as session:
        legal = session.scalars(select(Document).where(Document.kind == DocumentKind.LEGAL,
                                                       Document.version > 0)).all()
        assert {d.number: len(d.passages) for d in legal} == PASSAGES
        linked = session.scalar(select(func.count(FaqCitation.id)).where(FaqCitation.passage_id.is_not(None)))
        assert (linked or 0) > 20  # the starter FAQ's citations point at real passages
        revision, audit = current_revision(session), session.scalar(select(func.count(AuditLog.id)))

    again = cli.invoke(app, ["kb", "starter"])
    assert again.exit_code == 0, again.output
    assert "7 không đổi" in " ".join(again.stdout.split())
    with factory() as session:
        assert (current_revision(session), session.scalar(select(func.count(AuditLog.id)))) == (revision, audit)

    listed = cli.invoke(app, ["kb", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["number"]: row for row in json.loads(listed.stdout) if row["kind"] == "legal" and row["version"]}
    assert {number: row["passages"] for number, row in rows.items()} == PASSAGES
    assert rows["1676/VBHN-BLĐTBXH"]["status"] == "superseded"


def test_kb_list_is_readable_in_80_columns(cli: CliRunner) -> None:
    assert cli.invoke(app, ["kb", "starter"]).exit_code == 0
    table = cli.invoke(app, ["kb", "list"], env={"COLUMNS": "80"}, terminal_width=80)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "1315/VBHN-BLĐTBXH" in table.stdout  # numbers are never cut
    assert "còn hiệu" in table.stdout
