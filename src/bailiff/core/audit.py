"""Append-only audit trail: who, when, what and why, for every state change.

The table refuses UPDATE and DELETE at the database level (triggers in migration 0001), so not
even a bug or an operator with SQL can rewrite history quietly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bailiff.core.actor import Actor
from bailiff.core.clock import utcnow
from bailiff.core.bulk import insert_rows
from bailiff.core.db import Base
from bailiff.core.errors import FieldError, ValidationFailed


class AuditEvent(Base):
    """One recorded state change."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None]
    # The transparency-log leaf that publishes this change, when it is public.
    log_leaf_index: Mapped[int | None] = mapped_column(BigInteger)


def require_reason(reason: str | None, field: str = "reason") -> None:
    """Refuse a blank reason: the trail keeps why a change was made, and a blank says nothing."""
    if not reason or not reason.strip():
        raise ValidationFailed("a reason is required", errors=[FieldError(field, "reason.required", "say why")])


def audit_row(
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    log_leaf_index: int | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """An audit record as a row, for bulk insertion together with the change it records."""
    return {
        "at": at or utcnow(),
        "actor": actor.label,
        "role": actor.role,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "reason": reason,
        "details": details,
        "log_leaf_index": log_leaf_index,
    }


def record(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append audit rows in the caller's transaction."""
    if rows:
        insert_rows(session, AuditEvent.__table__, rows)


def history(session: Session, *, subject_type: str, subject_id: str) -> list[AuditEvent]:
    """Every recorded change of one subject, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(stmt))
