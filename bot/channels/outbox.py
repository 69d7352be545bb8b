"""The outbox record of platform sends: each send made while answering an inbound message gets the key
``<inbound id>:<n>``; a replay of that message (after a crash) skips the sends already recorded.

A send is recorded right after the platform accepted it, so the only window left for a double is a crash
between the platform's answer and that insert (a few milliseconds); no platform API offers an idempotency key
that would close it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from knowledge_base.db import SessionFactory
from knowledge_base.models import OutboundSend


@dataclass
class _Answering:
    inbound_id: int
    sends: int = 0


_current: ContextVar[_Answering | None] = ContextVar("loa_answering", default=None)


@contextmanager
def answering(inbound_id: int) -> Iterator[None]:
    """Sends awaited inside this block belong to ``inbound_id``."""
    token = _current.set(_Answering(inbound_id))
    try:
        yield
    finally:
        _current.reset(token)


def _already_sent(factory: SessionFactory, key: str) -> bool:
    with factory() as session:
        return session.scalar(select(OutboundSend.id).where(OutboundSend.idempotency_key == key)) is not None


def _record(factory: SessionFactory, inbound_id: int, key: str) -> None:
    try:
        with factory() as session, session.begin():
            session.add(OutboundSend(inbound_id=inbound_id, idempotency_key=key))
    except IntegrityError:  # recorded by a concurrent replay: the send is already counted
        pass


async def send_once(factory: SessionFactory, send: Callable[[], Awaitable[object]]) -> None:
    """Await ``send()`` unless this send of the inbound message being answered was already made.
    Outside ``answering`` (an officer's reply, a one-off command) it simply sends."""
    current = _current.get()
    if current is None:
        await send()
        return
    key = f"{current.inbound_id}:{current.sends}"
    current.sends += 1
    if await to_thread.run_sync(_already_sent, factory, key):
        return
    await send()
    await to_thread.run_sync(_record, factory, current.inbound_id, key)
