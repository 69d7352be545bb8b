"""Start-up of the platform channels without depending on the platforms.

Each channel's start-up step (Telegram: PTB's ``initialize``/``start``, which call ``getMe``; Zalo Bot:
``setWebhook``) runs as a background task that retries with capped exponential backoff until it succeeds or the
app stops. Until then the channel is ``degraded``: ``/readyz`` lists it under ``channels`` (readiness itself stays
true, since chat, API and console serve regardless) and ``/metrics`` exports ``loa_channel_up{channel}`` 0/1.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum

from prometheus_client import Gauge

from bot.web.metrics import Metrics

logger = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


class ChannelState(StrEnum):
    UP = "up"
    DEGRADED = "degraded"


class ChannelStartup:
    """The state of every configured platform channel, and the background tasks bringing them up."""

    def __init__(self, metrics: Metrics, *, first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.states: dict[str, ChannelState] = {}
        self._gauge = Gauge("loa_channel_up", "1 when the platform channel is registered and reachable, else 0.",
                            ["channel"], registry=metrics.registry)
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, channel: str, bring_up: Callable[[], Awaitable[None]]) -> None:
        """Mark ``channel`` degraded and keep calling ``bring_up`` in the background until it succeeds."""
        self._set(channel, ChannelState.DEGRADED)
        self._tasks.append(asyncio.create_task(self._keep_trying(channel, bring_up), name=f"start-{channel}"))

    def snapshot(self) -> dict[str, str]:
        return {channel: state.value for channel, state in self.states.items()}

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def _keep_trying(self, channel: str, bring_up: Callable[[], Awaitable[None]]) -> None:
        delay = self.first_delay
        attempt = 1
        while True:
            try:
                await bring_up()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any platform or network failure: stay degraded, try again later
                logger.warning("channel %s not reachable (attempt %d): %s; retrying in %.1f s",
                               channel, attempt, error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_delay)
                attempt += 1
                continue
            self._set(channel, ChannelState.UP)
            logger.info("channel %s is up (attempt %d)", channel, attempt)
            return

    def _set(self, channel: str, state: ChannelState) -> None:
        self.states[channel] = state
        self._gauge.labels(channel).set(1 if state is ChannelState.UP else 0)
