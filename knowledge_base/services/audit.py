"""Every change officers (or importers) make lands in the audit log: who, what, when, before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from knowledge_base.models import AuditLog


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: object | None = None,
    summary: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> AuditLog:
    entry = AuditLog(
        actor=actor,
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        summary=summary,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    session.add(entry)
    return entry


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {key: item if isinstance(item, str | int | float | bool | list | dict | None) else str(item)
            for key, item in value.items()}
