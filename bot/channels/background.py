"""Work a webhook hands off so it can answer the platform at once (Zalo wants HTTP 200 within 2 seconds)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class BackgroundWork:
    """Runs coroutines as tasks, keeps a reference to each (so none is garbage-collected mid-flight),
    logs any failure, and lets shutdown wait for what is still running."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], *, what: str) -> None:
        task = asyncio.get_running_loop().create_task(work, name=what)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background work %s failed", task.get_name(), exc_info=task.exception())

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for running work at shutdown; whatever is still running after ``timeout`` is cancelled."""
        if not self._tasks:
            return
        _done, still_running = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in still_running:
            logger.error("background work %s cancelled at shutdown", task.get_name())
            task.cancel()
