"""A web conversation as the page shows it: the citizen's questions, Loa's replies and officers' replies, in order.

The page's user id is a random secret it keeps (localStorage); knowing it is what lets a page read its history.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Conversation, Message, OfficerReply

PRESSED = "(Bạn đã chọn một mục)"
_PAYLOAD = re.compile(r"^[a-z]+:\S*$")
HISTORY_LIMIT = 100
"""The most recent exchanges a reloaded page shows."""


class Entry(BaseModel):
    who: Literal["user", "bot", "officer"]
    text: str
    citations: list[dict[str, str]] = []
    officer_reply_id: int | None = None


class History(BaseModel):
    entries: list[Entry]
    last_officer_reply: int
    """The highest officer reply id shown; the page asks for replies after it."""


def _conversation(session: Session, channel: str, user_key: str) -> int | None:
    return session.scalar(select(Conversation.id).where(Conversation.channel == channel,
                                                        Conversation.user_key == user_key))


def _citations(message: Message) -> list[dict[str, str]]:
    return [{"locator": str(c.get("locator") or ""), "document": str(c.get("document") or "")}
            for c in message.citations or [] if c.get("document")]


def _officer(reply: OfficerReply) -> Entry:
    return Entry(who="officer", text=reply.text, officer_reply_id=reply.id)


def history(session: Session, channel: str, user_key: str) -> History:
    """The conversation's recent exchanges and officers' replies, oldest first."""
    conversation = _conversation(session, channel, user_key)
    if conversation is None:
        return History(entries=[], last_officer_reply=0)
    messages = list(session.scalars(select(Message).where(Message.conversation_id == conversation)
                                    .order_by(Message.id.desc()).limit(HISTORY_LIMIT)))[::-1]
    replies = list(session.scalars(select(OfficerReply).where(OfficerReply.conversation_id == conversation)
                                   .order_by(OfficerReply.id)))
    timeline: list[tuple[datetime, int, list[Entry]]] = []
    for message in messages:
        shown = PRESSED if _PAYLOAD.match(message.question) else message.question
        entries = [Entry(who="user", text=shown)] if message.question else []
        entries.append(Entry(who="bot", text=message.reply, citations=_citations(message)))
        timeline.append((message.created_at, 0, entries))
    for reply in replies:
        timeline.append((reply.created_at, 1, [_officer(reply)]))
    timeline.sort(key=lambda row: (row[0], row[1]))
    entries = [entry for _, _, group in timeline for entry in group]
    return History(entries=entries, last_officer_reply=max((r.id for r in replies), default=0))


def officer_replies_after(session: Session, channel: str, user_key: str, after: int) -> History:
    """Officers' replies newer than ``after``: what an open page has not shown yet."""
    conversation = _conversation(session, channel, user_key)
    if conversation is None:
        return History(entries=[], last_officer_reply=after)
    replies = list(session.scalars(select(OfficerReply).where(OfficerReply.conversation_id == conversation,
                                                              OfficerReply.id > after).order_by(OfficerReply.id)))
    return History(entries=[_officer(r) for r in replies],
                   last_officer_reply=max((r.id for r in replies), default=after))
