"""Migrations are code: one head, and the migrated schema matches the models exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bailiff.core.db import Base, Database, alembic_config
from bailiff.models import load_all


def test_one_head_and_numbered_files() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    for path in Path(script.versions).glob("*.py"):
        assert path.name[:4].isdigit(), f"{path.name} is not numbered"


def test_migrated_schema_matches_models(database: Database) -> None:
    load_all()
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.parametrize("table", ["audit_events", "log_leaves", "log_tiles"])
def test_history_tables_refuse_update_and_delete(database: Database, table: str) -> None:
    with database.engine.connect() as conn:
        for statement in (f"DELETE FROM {table}", f"UPDATE {table} SET {_column(table)}"):
            with pytest.raises(DBAPIError, match="append-only"):
                with conn.begin():
                    # Make sure there is a row for the trigger to fire on.
                    _ensure_row(conn, table)
                    conn.execute(text(statement))


def _column(table: str) -> str:
    return {"audit_events": "reason = 'rewritten'", "log_leaves": "leaf_data = leaf_data",
            "log_tiles": "hashes = hashes"}[table]


def _ensure_row(conn, table: str) -> None:  # noqa: ANN001
    if conn.execute(text(f"SELECT count(*) FROM {table}")).scalar():
        return
    if table == "audit_events":
        conn.execute(text("INSERT INTO audit_events (at, actor, role, action, subject_type, subject_id) "
                          "VALUES (CURRENT_TIMESTAMP, 'system:test', 'system', 'test', 'test', 'x')"))
    elif table == "log_leaves":
        conn.execute(text("INSERT INTO log_leaves (leaf_index, leaf_data, appended_at) "
                          "VALUES (999999999, :d, CURRENT_TIMESTAMP)"), {"d": b"x"})
    else:
        conn.execute(text("INSERT INTO log_tiles (band, idx, width, hashes) VALUES (15, 0, 1, :h)"), {"h": b"\0" * 32})
