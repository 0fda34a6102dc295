"""Gap-free counters for human-facing numbers (register numbers, later proceeding numbers)."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from bailiff.core.db import Base


class Counter(Base):
    """A named counter; the row lock taken by the UPDATE keeps allocations gap-free and unique."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def allocate(session: Session, name: str, count: int) -> int:
    """Reserve `count` consecutive values in the caller's transaction; returns the first."""
    # ON CONFLICT works on PostgreSQL and SQLite alike and is safe when two callers race.
    session.execute(text("INSERT INTO counters (name, value) VALUES (:n, 0) ON CONFLICT (name) DO NOTHING"), {"n": name})
    last = session.execute(
        text("UPDATE counters SET value = value + :c WHERE name = :n RETURNING value"), {"c": count, "n": name}
    ).scalar_one()
    return int(last) - count + 1


def give_back(session: Session, name: str, count: int) -> None:
    """Return the last `count` values of this transaction's own allocation, unused.

    Only right while the caller's transaction holds the counter's row lock (taken by `allocate`, kept
    until commit), so that nobody allocated after it; the register allocates under its log lock too.
    """
    if count > 0:
        session.execute(text("UPDATE counters SET value = value - :c WHERE name = :n"), {"c": count, "n": name})
