"""The transactional inbox: a webhook stores its delivery with its de-duplication mark in one transaction before
answering 200, and the inbox worker answers every stored delivery, including those a crash left unfinished.

The embedded default runs one ``InboxWorker`` inside the web process: the webhook wakes it at once, and at
start-up its first pass takes every row still pending (the restart sweep). Delivery to the user is
at-least-once from the inbox and made exactly-once per send by the outbox (``bot.channels.outbox``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

from anyio import to_thread
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.channels import outbox
from knowledge_base.db import SessionFactory
from knowledge_base.models import InboundMessage, InboundStatus, SeenDelivery, utcnow

logger = logging.getLogger(__name__)

Processor = Callable[[str], Awaitable[None]]
"""Answers one stored delivery from its payload; raising leaves it pending for another attempt."""

MAX_ATTEMPTS = 5


def accept(factory: SessionFactory, channel: str, delivery_id: str, payload: str) -> bool:
    """Store a delivery and its ``seen_delivery`` mark in one transaction; False when it was seen before."""
    delivery_id = delivery_id[:200]
    try:
        with factory() as session, session.begin():
            session.add(SeenDelivery(channel=channel, delivery_id=delivery_id))
            session.add(InboundMessage(channel=channel, delivery_id=delivery_id, payload=payload,
                                       status=InboundStatus.PENDING, attempts=0))
    except IntegrityError:
        return False
    return True


def pending(factory: SessionFactory, channels: set[str], skip: set[int], limit: int) -> list[tuple[int, str, str]]:
    """Pending rows of the given channels, oldest first, leaving out those already in hand."""
    with factory() as session:
        query = (select(InboundMessage.id, InboundMessage.channel, InboundMessage.payload)
                 .where(InboundMessage.status == InboundStatus.PENDING, InboundMessage.channel.in_(channels))
                 .order_by(InboundMessage.id).limit(limit + len(skip)))
        rows = [(row.id, row.channel, row.payload) for row in session.execute(query)]
    return [row for row in rows if row[0] not in skip][:limit]


def finish(factory: SessionFactory, inbound_id: int, ok: bool) -> None:
    """Mark a row done, or count a failed attempt (failed for good after ``MAX_ATTEMPTS``)."""
    with factory() as session, session.begin():
        row = session.get(InboundMessage, inbound_id)
        if row is None:
            return
        if ok:
            row.status, row.finished_at = InboundStatus.DONE, utcnow()
            return
        row.attempts += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.finished_at = InboundStatus.FAILED, utcnow()
            logger.error("%s delivery %s failed %d times; given up", row.channel, row.delivery_id, row.attempts)


def count_unfinished(factory: SessionFactory) -> int:
    with factory() as session:
        return len(session.scalars(select(InboundMessage.id).where(
            InboundMessage.status == InboundStatus.PENDING)).all())


def reset_failed(factory: SessionFactory) -> int:
    """Put failed rows back in the queue (an operator's retry after fixing the cause)."""
    with factory() as session, session.begin():
        result = session.execute(update(InboundMessage).where(InboundMessage.status == InboundStatus.FAILED)
                                 .values(status=InboundStatus.PENDING, attempts=0, finished_at=None))
        return int(result.rowcount)  # type: ignore[attr-defined]


class InboxWorker:
    """Answers pending inbox rows, up to ``concurrency`` at a time, polling every ``poll_seconds`` and woken
    early by ``notify()`` after each accepted webhook."""

    def __init__(self, factory: SessionFactory, processors: dict[str, Processor], *, concurrency: int = 16,
                 poll_seconds: float = 1.0, retry_seconds: float = 2.0) -> None:
        self.factory = factory
        self.processors = processors
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self._wake = asyncio.Event()
        self._in_hand: set[int] = set()
        self._finished_since_read: set[int] = set()
        """Rows finished while a read was running: that read may still have seen them pending."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None

    def notify(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self.processors:
            self._runner = asyncio.get_running_loop().create_task(self._run(), name="inbox-worker")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop taking rows and wait for those in hand; whatever is cut off stays pending for the next start."""
        if self._runner is not None:
            self._runner.cancel()
            with suppress(asyncio.CancelledError):
                await self._runner
        if self._tasks:
            _done, cut_off = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in cut_off:
                task.cancel()

    async def _run(self) -> None:
        channels = set(self.processors)
        while True:
            self._wake.clear()
            room = self.concurrency - len(self._in_hand)
            rows = []
            if room > 0:
                self._finished_since_read = set()
                try:
                    rows = await to_thread.run_sync(pending, self.factory, channels, set(self._in_hand), room)
                except Exception:  # the database is briefly unreachable: try again at the next poll
                    logger.exception("inbox worker could not read pending deliveries")
                rows = [row for row in rows if row[0] not in self._in_hand | self._finished_since_read]
            for inbound_id, channel, payload in rows:
                self._in_hand.add(inbound_id)
                task = asyncio.get_running_loop().create_task(self._answer(inbound_id, channel, payload),
                                                              name=f"inbox {channel} {inbound_id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if len(rows) == room and room > 0:
                continue  # more may be waiting
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def _answer(self, inbound_id: int, channel: str, payload: str) -> None:
        ok = False
        try:
            with outbox.answering(inbound_id):
                await self.processors[channel](payload)
            ok = True
        except Exception:
            logger.exception("%s inbound message %d could not be answered", channel, inbound_id)
        try:
            await to_thread.run_sync(finish, self.factory, inbound_id, ok)
        finally:
            if not ok:
                await asyncio.sleep(self.retry_seconds)  # back off before the row is taken again
            self._finished_since_read.add(inbound_id)
            self._in_hand.discard(inbound_id)
            self._wake.set()
