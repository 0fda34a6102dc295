"""Leasing outbox events: oldest first, never the same event to two workers, due again after the lease."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bailiff.core import outbox
from bailiff.core.db import Database, upgrade
from tests.conftest import fresh_database_url


def _database(backend: str, tmp_path: Path, events: int) -> Database:
    """A fresh database (other tests' events must not be leased) holding `events` due events."""
    url = fresh_database_url(backend, tmp_path, "outbox_lease")
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        outbox.emit(session, [outbox.event_row(topic="test.lease", key=f"lease:{i}", payload={"n": i})
                              for i in range(events)])
    return database


def test_leases_take_the_oldest_due_events_once(backend: str, tmp_path: Path) -> None:
    database = _database(backend, tmp_path, 5)
    try:
        with database.transaction() as session:
            first = outbox.lease_batch(session, limit=3)
        assert [e.payload["n"] for e in first] == [0, 1, 2]
        assert [e.key for e in first] == ["lease:0", "lease:1", "lease:2"] and all(e.attempts == 0 for e in first)
        with database.transaction() as session:  # the leased ones are not due; these get a lease that
            second = outbox.lease_batch(session, limit=3, lease=timedelta(seconds=-1))  # has run out
        assert [e.payload["n"] for e in second] == [3, 4]
        with database.transaction() as session:  # an expired lease makes undelivered events due again
            outbox.mark_delivered(session, [e.id for e in first])
            again = outbox.lease_batch(session, limit=10)
        assert [e.payload["n"] for e in again] == [3, 4]
        with database.transaction() as session:
            assert outbox.lease_batch(session, limit=10) == []  # delivered, or leased for a minute
    finally:
        database.dispose()


def test_two_workers_at_once_never_take_the_same_event(backend: str, tmp_path: Path) -> None:
    database = _database(backend, tmp_path, 4)
    try:
        if backend == "sqlite":  # one writer at a time: the second worker leases after the first commits
            with database.transaction() as one:
                taken = outbox.lease_batch(one, limit=2)
            with database.transaction() as two:
                other = outbox.lease_batch(two, limit=10)
        else:  # the first worker's transaction is still open: its rows are skipped, not waited for
            with database.transaction() as one, database.transaction() as two:
                taken = outbox.lease_batch(one, limit=2)
                two.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would be the bug: fail, not hang
                other = outbox.lease_batch(two, limit=10)
        assert {e.id for e in taken}.isdisjoint({e.id for e in other})
        assert sorted(e.payload["n"] for e in taken + other) == [0, 1, 2, 3]
    finally:
        database.dispose()
