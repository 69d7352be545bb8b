"""Everything a running Loa needs, built once from Settings and shared by the CLI, the web app and the Rasa
action server: database, embedder, live index, language layer, answer engine."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from bot.engine.answer_engine import AnswerEngine
from bot.engine.handoff import OfficeHours
from bot.settings import Settings
from indexer.embedders import Embedder, make_embedder
from indexer.retriever import LiveIndex, Retriever
from indexer.snapshot import SnapshotError, live_snapshot
from knowledge_base.db import SessionFactory, make_engine, make_session_factory
from nlu.diacritics import DiacriticRestorer
from nlu.tokenize import warm as warm_tokenizer
from nlu.understand import Understander

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db_engine: Engine
    session_factory: SessionFactory
    embedder: Embedder
    index: IndexHandle
    understander: Understander
    engine: AnswerEngine

    @classmethod
    def create(cls, settings: Settings, *, embedder: Embedder | None = None, review_inbox: bool = True) -> Runtime:
        """Connect to the database and open the live index (neither need be ready yet: ``readiness`` tells).
        ``embedder``: one already loaded; ``review_inbox=False`` for evaluation runs (see ``AnswerEngine``)."""
        db_engine = make_engine(settings.database_url)
        session_factory = make_session_factory(db_engine)
        embedder = embedder or make_embedder(settings.embedder, settings.embedder_model)
        index = IndexHandle(settings.index_dir, embedder)
        clock = _clock(settings)
        understander = Understander(live_restorer=lambda: _restorer(index), today=clock)
        engine = AnswerEngine(
            session_factory=session_factory,
            index=index,
            understander=understander,
            clock=clock,
            embedder=embedder,
            review_inbox=review_inbox,
            office_hours=OfficeHours.parse(settings.office_hours, settings.office_days),
        )
        return cls(settings, db_engine, session_factory, embedder, index, understander, engine)

    def readiness(self) -> dict[str, bool]:
        """Whether the database answers, an index snapshot is loaded and the language layer is warm."""
        return {"database": self._database_ready(), "index": self._index_ready(), "language": self._language_ready()}

    def warm(self) -> None:
        """Load the language models (underthesea's segmenter, the domain terms) before the first request needs
        them; ``loa serve`` calls it before it listens, ``readiness`` makes sure of it."""
        warm_tokenizer()

    def _language_ready(self) -> bool:
        try:
            self.warm()
        except Exception:  # a model that cannot load means "not ready", with the cause in the log
            log.warning("language layer could not be loaded", exc_info=True)
            return False
        return True

    def _database_ready(self) -> bool:
        try:
            with self.db_engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any driver error means "not ready"
            log.warning("database not reachable", exc_info=True)
            return False
        return True

    def _index_ready(self) -> bool:
        try:
            self.index.current()
        except SnapshotError as error:
            log.warning("no usable index snapshot: %s", error)
            return False
        return True

    def close(self) -> None:
        self.db_engine.dispose()


def _clock(settings: Settings) -> Callable[[], date]:
    fixed = settings.today
    return (lambda: fixed) if fixed is not None else date.today


def _restorer(index: IndexHandle) -> DiacriticRestorer | None:
    """The live snapshot's restorer (trained on the knowledge base, so it follows each rebuild), or None (the
    language layer's default) before the first index build."""
    try:
        return index.current().restorer
    except SnapshotError:
        return None


class IndexHandle:
    """The live index, opened on first use: a server can start before the first ``loa index build`` and becomes
    ready once a snapshot exists (a failed open is retried at once when the live pointer changes, else at most
    every ``retry_every`` seconds)."""

    def __init__(self, index_dir: Path, embedder: Embedder, retry_every: float = 2.0) -> None:
        self._index_dir = index_dir
        self._embedder = embedder
        self._retry_every = retry_every
        self._live: LiveIndex | None = None
        self._tried_at = float("-inf")
        self._tried_pointer: Path | None = None
        self._error = ""
        self._lock = threading.Lock()

    def current(self) -> Retriever:
        """The retriever of the live snapshot; raises ``SnapshotError`` while there is none."""
        live = self._live
        if live is None:
            live = self._open()
        return live.current()

    def _open(self) -> LiveIndex:
        with self._lock:
            if self._live is not None:
                return self._live
            pointer = live_snapshot(self._index_dir)
            if time.monotonic() - self._tried_at < self._retry_every and pointer == self._tried_pointer:
                raise SnapshotError(self._error)
            self._tried_at, self._tried_pointer = time.monotonic(), pointer
            try:
                self._live = LiveIndex(self._index_dir, self._embedder)
            except SnapshotError as error:
                self._error = str(error)
                raise
            return self._live
