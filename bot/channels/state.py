"""The little state adapters keep in the database: OAuth tokens, the users' reply windows.

Small repository functions, one unit of work each, so adapters never write SQL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from knowledge_base.db import SessionFactory
from knowledge_base.models import ChannelToken, Conversation, utcnow


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timezone-aware columns back naive; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def touch_conversation(factory: SessionFactory, channel: str, user_key: str) -> None:
    """Note that the user just interacted (opens the platform's reply window), creating the conversation if new."""
    with factory() as session, session.begin():
        conversation = session.scalar(
            select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)
        )
        if conversation is None:
            session.add(Conversation(channel=channel, user_key=user_key, last_user_message_at=utcnow()))
        else:
            conversation.last_user_message_at = utcnow()


def last_interaction(factory: SessionFactory, channel: str, user_key: str) -> datetime | None:
    """When the user last wrote to Loa on this channel (UTC), or None if never."""
    with factory() as session:
        moment = session.scalar(
            select(Conversation.last_user_message_at).where(
                Conversation.channel == channel, Conversation.user_key == user_key
            )
        )
    return as_utc(moment) if moment is not None else None


@dataclass(frozen=True)
class StoredToken:
    access_token: str
    refresh_token: str
    expires_at: datetime
    generation: int


def load_token(factory: SessionFactory, channel: str) -> StoredToken | None:
    with factory() as session:
        row = session.scalar(select(ChannelToken).where(ChannelToken.channel == channel))
        if row is None:
            return None
        return StoredToken(row.access_token, row.refresh_token, as_utc(row.expires_at), row.generation)


def store_token(factory: SessionFactory, channel: str, access_token: str, refresh_token: str,
                expires_at: datetime) -> None:
    """Install a token pair obtained by an operator (first authorisation), replacing any previous one."""
    with factory() as session, session.begin():
        row = session.scalar(select(ChannelToken).where(ChannelToken.channel == channel))
        if row is None:
            session.add(ChannelToken(channel=channel, access_token=access_token, refresh_token=refresh_token,
                                     expires_at=expires_at))
            return
        row.access_token, row.refresh_token, row.expires_at = access_token, refresh_token, expires_at
        row.generation += 1
        row.updated_at = utcnow()


def replace_token(factory: SessionFactory, channel: str, read_generation: int, access_token: str,
                  refresh_token: str, expires_at: datetime) -> bool:
    """Store a refreshed pair only if nobody refreshed since ``read_generation`` was read (compare-and-set).

    The refresh token is single-use: the new one must replace the old in one statement, or a second worker
    would try the spent token and lock the channel out.
    """
    with factory() as session, session.begin():
        result = session.execute(
            update(ChannelToken)
            .where(ChannelToken.channel == channel, ChannelToken.generation == read_generation)
            .values(access_token=access_token, refresh_token=refresh_token, expires_at=expires_at,
                    generation=read_generation + 1, updated_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
