"""Time in one place, always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (the service's legal calendar day)."""
    return utcnow().date()


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def known_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone this system knows."""
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_date(moment: datetime, zone: str) -> date:
    """The calendar day of an instant where the law counts it (deadlines run in local days)."""
    return moment.astimezone(_zone(zone)).date()


def local_today(zone: str) -> date:
    """Today's date in that time zone."""
    return local_date(utcnow(), zone)


def to_millis(moment: datetime) -> int:
    """Milliseconds since the epoch, as RFC 9162 timestamps are written."""
    return int(moment.timestamp() * 1000)
