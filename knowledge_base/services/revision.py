"""The knowledge-base revision: one number that grows with every published change, so indexes know they are stale."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import KbState, utcnow


def current_revision(session: Session) -> int:
    return session.scalar(select(KbState.revision).where(KbState.id == 1)) or 0


def bump_revision(session: Session) -> int:
    """Increase the revision inside the caller's transaction (row-locked on PostgreSQL) and return the new value."""
    state = session.scalars(select(KbState).where(KbState.id == 1).with_for_update()).one()
    state.revision += 1
    state.changed_at = utcnow()
    session.flush()
    return state.revision
