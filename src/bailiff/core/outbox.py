"""Transactional outbox: side effects are written with the change that causes them.

A use case inserts its events in its own transaction; `bailiff worker` delivers them afterwards
with retries. If a process dies between the two, the event is still in the table and is delivered
later: nothing accepted is lost. Each event carries a stable `key`, so a delivery that succeeded
but was not marked (the worker died in between) is recognised by the recipient as a repeat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bailiff.core.clock import utcnow
from bailiff.core.bulk import insert_rows
from bailiff.core.db import Base, one_of


class OutboxEvent(Base):
    """An event waiting for (or done with) delivery."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "available_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None]
    parked_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


def event_row(*, topic: str, key: str, payload: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
    """An outbox row for bulk insertion in the caller's transaction."""
    moment = at or utcnow()
    return {
        "topic": topic,
        "key": key,
        "payload": payload,
        "created_at": moment,
        "available_at": moment,
        "attempts": 0,
    }


def emit(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append events in the caller's transaction."""
    if rows:
        insert_rows(session, OutboxEvent.__table__, rows)



def backoff(attempts: int) -> timedelta:
    """Exponential retry delay: 2 s, 4 s, 8 s ... capped at one hour."""
    return timedelta(seconds=min(2**attempts, 3600))


LEASE = timedelta(seconds=60)


def lease_batch(session: Session, *, limit: int, lease: timedelta = LEASE) -> list[Any]:
    """Take up to `limit` due events for one delivery attempt, oldest first: rows with `id`, `topic`,
    `key`, `payload`, `created_at` and `attempts`.

    The events are leased (made unavailable for `lease`) rather than kept locked, so that slow
    recipients never hold a database lock: on SQLite a long write transaction would stall intake.
    A worker that dies mid-delivery simply lets the lease expire and the event is tried again.
    One UPDATE ... RETURNING leases the batch. As ORM objects, each lease was an UPDATE of its own:
    measured, the worker opened and assigned a fifth fewer proceedings per second.
    """
    now = utcnow()
    due = (
        select(OutboxEvent.id)
        .where(
            OutboxEvent.delivered_at.is_(None),
            OutboxEvent.parked_at.is_(None),
            OutboxEvent.available_at <= now,
        )
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Several workers share the queue without taking the same events.
        due = due.with_for_update(skip_locked=True)
    leased = session.execute(
        update(OutboxEvent).where(OutboxEvent.id.in_(due)).values(available_at=now + lease)
        .returning(OutboxEvent.id, OutboxEvent.topic, OutboxEvent.key, OutboxEvent.payload,
                   OutboxEvent.created_at, OutboxEvent.attempts)
        .execution_options(synchronize_session=False)).all()
    return sorted(leased, key=lambda row: row.id)


def mark_delivered(session: Session, event_ids: list[int]) -> None:
    """Record successful deliveries."""
    for start in range(0, len(event_ids), 1000):
        session.execute(
            update(OutboxEvent)
            .where(one_of(session, OutboxEvent.id, event_ids[start:start + 1000]))  # one array on PostgreSQL
            .values(delivered_at=utcnow(), attempts=OutboxEvent.attempts + 1, last_error=None)
            .execution_options(synchronize_session=False)  # leased as rows: no objects to keep in step
        )


def mark_failed(session: Session, event_id: int, *, error: str, max_attempts: int) -> None:
    """Record a failed attempt: retry later with backoff, or park after `max_attempts`."""
    ev = session.get(OutboxEvent, event_id)
    if ev is None:
        return
    now = utcnow()
    ev.attempts += 1
    ev.last_error = error[:2000]
    if ev.attempts >= max_attempts:
        ev.parked_at = now
    else:
        ev.available_at = now + backoff(ev.attempts)


def pending_count(session: Session) -> int:
    """How many events still wait for delivery (parked ones excluded)."""
    from sqlalchemy import func

    stmt = select(func.count()).select_from(OutboxEvent).where(
        OutboxEvent.delivered_at.is_(None), OutboxEvent.parked_at.is_(None)
    )
    return int(session.scalar(stmt) or 0)


def requeue_parked(session: Session) -> int:
    """Give parked events a fresh set of attempts (an operator's action after fixing a recipient)."""
    result = session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.parked_at.is_not(None), OutboxEvent.delivered_at.is_(None))
        .values(parked_at=None, attempts=0, available_at=utcnow())
    )
    return int(result.rowcount or 0)
