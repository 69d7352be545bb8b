"""Publishing: rebuild the index of the current knowledge-base revision in a background thread.

The running bot's ``LiveIndex`` notices the new snapshot and swaps to it; a failed build leaves the old snapshot
serving and keeps its reason here for the console to show. One build at a time per process (the indexer also
holds a file lock across processes).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from indexer.embedders import Embedder
from indexer.snapshot import build_index
from knowledge_base.db import SessionFactory
from knowledge_base.services.audit import record_change
from knowledge_base.services.revision import current_revision

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildState:
    state: str = "idle"
    """idle, running, done, failed."""
    revision: int | None = None
    done: int = 0
    total: int = 0
    started_by: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    summary: str | None = None

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class Publisher:
    def __init__(self, session_factory: SessionFactory, index_dir: Path, embedder: Embedder) -> None:
        self._sessions = session_factory
        self._index_dir = index_dir
        self._embedder = embedder
        self._lock = threading.Lock()
        self._state = BuildState()
        self._thread: threading.Thread | None = None
        self._again: tuple[str, int | None] | None = None

    @property
    def state(self) -> BuildState:
        return self._state

    def start(self, *, actor: str, actor_id: int | None = None) -> bool:
        """Start a build of the current revision. While one runs, another is queued to follow it (the running
        build may have read the knowledge base before this change) and False is returned."""
        with self._lock:
            if self._state.state == "running":
                self._again = (actor, actor_id)
                return False
            with self._sessions() as session:
                revision = current_revision(session)
            self._state = BuildState("running", revision, started_by=actor, started_at=time.time())
            self._thread = threading.Thread(target=self._run, args=(actor, actor_id), name="loa-publish",
                                            daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> BuildState:
        """Wait for the running build and any queued one (``timeout`` per build)."""
        while (thread := self._thread) is not None:
            thread.join(timeout)
            if thread.is_alive() or thread is self._thread:
                break
        return self._state

    def _progress(self, done: int, total: int) -> None:
        self._state = replace(self._state, done=done, total=total)

    def _run(self, actor: str, actor_id: int | None) -> None:
        self._build(actor, actor_id)
        with self._lock:
            queued, self._again = self._again, None
        if queued is not None:
            self.start(actor=queued[0], actor_id=queued[1])

    def _build(self, actor: str, actor_id: int | None) -> None:
        try:
            manifest = build_index(self._sessions, self._index_dir, self._embedder, on_progress=self._progress)
        except Exception as error:  # any failure: the old snapshot keeps serving, the officer sees why
            log.exception("index build failed")
            self._state = replace(self._state, state="failed", finished_at=time.time(),
                                  error=f"{type(error).__name__}: {error}")
            self._audit(actor, actor_id, "publish_failed", f"Xuất bản thất bại: {error}")
            return
        summary = (f"Chỉ mục phiên bản {manifest.revision}: {manifest.passages} đoạn văn, {manifest.faqs} câu hỏi "
                   f"thường gặp, {manifest.build_seconds:.1f} giây.")
        self._state = replace(self._state, state="done", revision=manifest.revision, finished_at=time.time(),
                              summary=summary)
        self._audit(actor, actor_id, "publish", summary)

    def _audit(self, actor: str, actor_id: int | None, action: str, summary: str) -> None:
        try:
            with self._sessions.begin() as session:
                record_change(session, actor=actor, actor_id=actor_id, action=action, entity_type="index",
                              entity_id=self._state.revision, summary=summary)
        except SQLAlchemyError:  # the build's outcome stands; only its audit row is lost
            log.exception("could not record the index build in the audit log")
