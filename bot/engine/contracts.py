"""The answer engine's contract with every channel: an IncomingMessage in, a Reply out."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Decision(enum.StrEnum):
    ANSWERED = "answered"
    CLARIFY = "clarify"
    REFUSED = "refused"
    HANDOFF = "handoff"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True)
class IncomingMessage:
    channel: str
    """telegram, zalo_oa, zalo_bot, web, api, rasa, cli."""
    user_key: str
    """The platform's id for the person (chat id, Zalo user id, web session id)."""
    text: str | None = None
    callback: str | None = None
    """The payload of a pressed button (≤ 64 bytes), instead of text."""
    platform_message_id: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True)
class Button:
    label: str
    payload: str
    """≤ 64 bytes, fed back as ``IncomingMessage.callback``."""


@dataclass(frozen=True)
class Citation:
    document: str
    """Document number, or title for news."""
    locator: str | None
    issuer: str | None
    issued_on: str | None
    status: str | None
    url: str | None = None
    passage_id: int | None = None


@dataclass(frozen=True)
class Reply:
    decision: Decision
    text: str
    """The whole reply as plain text."""
    blocks: tuple[str, ...] = ()
    """The same text split into messages of at most 2,000 characters, at sentence boundaries."""
    citations: tuple[Citation, ...] = ()
    buttons: tuple[Button, ...] = ()
    message_id: int | None = None
    """The logged exchange this reply belongs to (feedback attaches to it)."""
    latency_ms: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)
