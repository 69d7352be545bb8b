"""Retry an outgoing platform call with exponential backoff, logging every failed attempt."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    retry_on: tuple[type[BaseException], ...],
    attempts: int = 4,
    base_delay: float = 0.5,
) -> T:
    """Await ``call()`` up to ``attempts`` times, sleeping ``base_delay * 2**n`` between tries.

    Only exceptions in ``retry_on`` are retried; the last one is re-raised after being logged.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except retry_on as error:
            if attempt == attempts:
                logger.error("%s failed after %d attempts: %s", what, attempts, error)
                raise
            delay = base_delay * 2 ** (attempt - 1)
            logger.warning("%s failed (attempt %d/%d), retrying in %.1fs: %s", what, attempt, attempts, delay, error)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # the loop always returns or raises
