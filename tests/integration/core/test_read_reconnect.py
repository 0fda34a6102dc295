"""Reads survive a database that dropped their pooled connections (PostgreSQL restarted, say)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bailiff.core import db as core_db
from bailiff.core import translog
from bailiff.core.db import Database, upgrade
from tests.conftest import fresh_database_url


def _drop_connections(url: str) -> int:
    """Terminate every server process serving the database, as a restart would."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        admin.dispose()


@pytest.fixture
def database(backend: str, tmp_path: Path):  # noqa: ANN201
    if backend != "postgresql":
        pytest.skip("SQLite reads use no server connection")
    url = fresh_database_url(backend, tmp_path, "reconnect")
    upgrade(url)
    db = Database(url)
    yield db
    db.dispose()


def test_a_read_on_a_dropped_connection_runs_again(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_db, "IDLE_PING_SECONDS", 3600.0)  # the connection counts as in steady use
    assert database.read(translog.current_size) == 0
    assert _drop_connections(database.url) >= 1
    with pytest.raises(DBAPIError) as raised, database.reading() as session:  # without the second run
        translog.current_size(session)
    assert raised.value.connection_invalidated
    database.read(translog.current_size)  # a connection opened after the failure: reads
    assert _drop_connections(database.url) >= 1
    assert database.read(translog.current_size) == 0
    assert database.read_plain(translog.current_size) == 0  # the public log's reads: the same
    assert _drop_connections(database.url) >= 1
    assert database.read_plain(translog.current_size) == 0


def test_an_idle_connection_is_pinged_and_replaced(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_db, "IDLE_PING_SECONDS", 0.0)  # every checked-in connection counts as idle
    with database.reading() as session:
        assert translog.current_size(session) == 0
    assert _drop_connections(database.url) >= 1
    with database.reading() as session:  # no error reaches the reader: the ping found the dead connection
        assert translog.current_size(session) == 0
