"""Time in one place, always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (the service's legal calendar day)."""
    return utcnow().date()


def to_millis(moment: datetime) -> int:
    """Milliseconds since the epoch, as RFC 9162 timestamps are written."""
    return int(moment.timestamp() * 1000)
