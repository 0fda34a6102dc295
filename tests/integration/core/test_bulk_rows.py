"""core.bulk.insert_rows: COPY on PostgreSQL stores exactly what a plain INSERT stores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from psycopg.adapt import PyFormat
from psycopg.types.array import ListBinaryDumper

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, Float, Integer, LargeBinary, MetaData, Numeric,
                        SmallInteger, String, Table, Text, func, select, text)
from sqlalchemy.exc import DBAPIError, IntegrityError

from bailiff.core.clock import utcnow
from bailiff.core.bulk import BULK_MIN_ROWS, insert_rows, update_rows
from bailiff.core.db import Database, JsonType, UTCDateTime, one_of
from bailiff.core.outbox import OutboxEvent


def test_bulk_rows_match_single_rows(database: Database) -> None:
    now = utcnow()

    def rows(tag: str, n: int) -> list[dict[str, object]]:
        # `attempts` is left out: its Python-side default must apply on both paths.
        return [{"topic": "test.bulk", "key": f"bulk:{tag}:{i}", "created_at": now - timedelta(seconds=i),
                 "available_at": now, "last_error": None,
                 "payload": {"n": i, "text": "кириллица\ttab\nline \\ slash", "none": None}} for i in range(n)]

    small, big = rows("small", 3), rows("big", BULK_MIN_ROWS + 7)  # through the ORM, then the bulk path (COPY on PostgreSQL)
    with database.transaction() as session:
        insert_rows(session, OutboxEvent.__table__, small)
        insert_rows(session, OutboxEvent.__table__, big)
    with database.reading() as session:
        stored = {e.key: e for e in session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "test.bulk"))}
        null_errors = session.execute(text("SELECT count(*) FROM outbox WHERE topic = 'test.bulk' "
                                           "AND last_error IS NULL")).scalar_one()
    assert len(stored) == len(small) + len(big)
    assert null_errors == len(stored)
    for row in small + big:
        event = stored[str(row["key"])]
        assert event.payload == row["payload"]
        assert event.created_at == row["created_at"]
        assert event.attempts == 0
    assert len({e.id for e in stored.values()}) == len(stored)  # ids from the sequence


def test_json_columns_read_back_exactly(database: Database) -> None:
    # Reads go through orjson, which would turn integers beyond 64 bits into floats.
    payloads = [{"big": 2**70, "negative": -(2**65), "uin": "18810177220001234567", "fraction": 0.1},
                {"n": 2**63 - 1, "text": "Иванов", "nested": [{"k": [1, 2, None]}]}]
    now = utcnow()
    with database.transaction() as session:
        insert_rows(session, OutboxEvent.__table__, [
            {"topic": "test.json", "key": f"json:{i}", "created_at": now, "available_at": now, "last_error": None,
             "payload": payload} for i, payload in enumerate(payloads)])
    with database.reading() as session:
        stored = dict(session.execute(select(OutboxEvent.key, OutboxEvent.payload)
                                      .where(OutboxEvent.topic == "test.json")).all())
    assert [stored[f"json:{i}"] for i in range(len(payloads))] == payloads
    assert type(stored["json:0"]["big"]) is int


def test_update_rows_sets_each_row_by_its_key(database: Database) -> None:
    now = utcnow()
    tag = uuid.uuid4().hex
    # Never due (a year ahead): no worker of another test leases these events meanwhile.
    later = now + timedelta(days=400)
    with database.transaction() as session:
        insert_rows(session, OutboxEvent.__table__, [
            {"topic": "test.update", "key": f"update:{tag}:{i}", "created_at": now, "available_at": later,
             "attempts": 0, "last_error": None, "payload": {"n": i}} for i in range(60)])
    with database.reading() as session:
        ids = dict(session.execute(select(OutboxEvent.key, OutboxEvent.id).where(OutboxEvent.key.like(f"update:{tag}:%"))).all())
    changes = [{"id": ids[f"update:{tag}:{i}"], "attempts": i + 1,
                "last_error": None if i % 2 else f"ошибка {i}: 'quote' %s \\ tab\t",
                "delivered_at": None if i % 3 else now - timedelta(seconds=i)} for i in range(50)]
    with database.transaction() as session:
        assert update_rows(session, OutboxEvent.__table__, "id", changes) == 50
    with database.reading() as session:
        stored = {e.id: e for e in session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(list(ids.values()))))}
    for change in changes:
        event = stored[change["id"]]
        assert (event.attempts, event.last_error, event.delivered_at) == (
            change["attempts"], change["last_error"], change["delivered_at"])
        assert event.available_at == later and event.payload["n"] == change["attempts"] - 1
    untouched = [stored[ids[f"update:{tag}:{i}"]] for i in range(50, 60)]
    assert all((e.attempts, e.last_error, e.delivered_at) == (0, None, None) for e in untouched)
    if database.dialect == "postgresql":  # SQLite does not enforce VARCHAR lengths
        # An over-long value is refused, as in a plain UPDATE, not cut to the column's length.
        with pytest.raises(DBAPIError, match="too long"), database.transaction() as session:
            update_rows(session, OutboxEvent.__table__, "id", [{"id": changes[0]["id"], "topic": "t" * 81}])
        with database.reading() as session:
            assert session.get(OutboxEvent, changes[0]["id"]).topic == "test.update"
    with database.transaction() as session, pytest.raises(ValueError, match="JSON"):
        update_rows(session, OutboxEvent.__table__, "id", [{"id": changes[0]["id"], "payload": {"n": -1}}])
    with database.transaction() as session, pytest.raises(ValueError, match="every row must give its id"):
        update_rows(session, OutboxEvent.__table__, "id", [{"attempts": 5}])


@contextmanager
def _scratch(database: Database, *columns: Column[Any]) -> Iterator[Table]:
    """A table of this test alone (the suite's database is shared), dropped afterwards."""
    table = Table(f"bulk_{uuid.uuid4().hex[:12]}", MetaData(), Column("id", BigInteger, primary_key=True), *columns)
    table.create(database.engine)
    try:
        yield table
    finally:
        table.drop(database.engine)


def _loaded(database: Database, table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` bulk-loaded, then read back in id order."""
    with database.transaction() as session:
        insert_rows(session, table, rows)
    with database.reading() as session:
        return [dict(r._mapping) for r in session.execute(select(table).order_by(table.c.id))]


def test_every_column_type_reads_back_as_given(database: Database) -> None:
    # Binary COPY on PostgreSQL sends each field in its type's wire format; every type Bailiff's
    # tables use must read back exactly as a plain INSERT stores it, NULLs included.
    with _scratch(database, Column("big", BigInteger), Column("small", SmallInteger), Column("n", Integer),
                  Column("flag", Boolean), Column("day", Date), Column("at", UTCDateTime()),
                  Column("raw", LargeBinary), Column("note", Text), Column("code", String(12)),
                  Column("p", Float), Column("doc", JsonType), Column("plain", JSON(none_as_null=True))) as table:
        now = utcnow()
        rows = [{"id": i, "big": 2**62 + i, "small": -i, "n": i * 1000, "flag": i % 2 == 0,
                 "day": date(1950, 1, 1) + timedelta(days=i * 400), "at": now - timedelta(microseconds=i * 7),
                 "raw": bytes(range(i % 256)) + b"\x00\\\t\n", "note": f"Ёжик {i}\ttab\nline \\ slash '\" %s",
                 "code": f"К-{i}", "p": i / 3, "doc": {"i": i, "big": 2**70, "text": "кириллица\t\\"},
                 "plain": [i, None, "x"]} for i in range(BULK_MIN_ROWS + 5)]
        rows[1].update({k: None for k in rows[1] if k != "id"})
        assert _loaded(database, table, rows) == rows
        # What a plain INSERT takes, a bulk load takes too: a number for a text column, an integer for a float one.
        with database.transaction() as session:
            insert_rows(session, table, [{"id": 1000 + i, "note": i, "p": i} for i in range(BULK_MIN_ROWS)])
        with database.reading() as session:
            assert session.execute(select(table.c.note, table.c.p).where(table.c.id == 1007)).one() == ("7", 7.0)
        # A timestamp without a time zone is refused, never taken as some zone's time.
        with pytest.raises(ValueError, match="naive datetime"), database.transaction() as session:
            insert_rows(session, table, [{"id": 4000 + i, "at": now.replace(tzinfo=None)} for i in range(BULK_MIN_ROWS)])
        # The driver's errors come as SQLAlchemy's, as from a plain INSERT (callers catch those).
        with pytest.raises(IntegrityError), database.transaction() as session:
            insert_rows(session, table, [{"id": 3000 + i} for i in range(BULK_MIN_ROWS)] + [{"id": 0}])
        with database.reading() as session:
            assert session.scalar(select(func.count()).select_from(table).where(table.c.id >= 3000)) == 0
        if database.dialect == "postgresql":  # SQLite does not enforce VARCHAR lengths
            # An over-long value is refused as by a plain INSERT, not cut, and nothing of the batch stays.
            with pytest.raises(DBAPIError, match="too long"), database.transaction() as session:
                insert_rows(session, table, [{"id": 2000 + i, "code": "x" * (12 + i % 2)} for i in range(BULK_MIN_ROWS)])
            with database.reading() as session:
                assert session.scalar(select(func.count()).select_from(table).where(table.c.id >= 2000)) == 0


def test_a_column_type_without_a_binary_form_loads_as_text(database: Database) -> None:
    with _scratch(database, Column("amount", Numeric(12, 2)), Column("note", Text)) as table:
        rows = [{"id": i, "amount": Decimal(i) / 4, "note": f"строка\t{i}"} for i in range(BULK_MIN_ROWS)]
        assert _loaded(database, table, rows) == rows


def test_one_of_matches_exactly_the_values_given(database: Database) -> None:
    # On PostgreSQL the values go as one binary array (core.db._binary_lists), for writes and reads
    # alike; array text's special characters must match as themselves.
    odd = ["a,b", "{x}", '"q"', "back\\slash", "NULL", " spaced ", "Ёж", "", "tab\there"]
    with _scratch(database, Column("note", Text), Column("n", BigInteger)) as table:
        _loaded(database, table, [{"id": i, "note": note, "n": 2**40 + i} for i, note in enumerate(odd)]
                + [{"id": 100 + i, "note": f"other {i}", "n": i} for i in range(BULK_MIN_ROWS)])
        for open_session in (database.transaction, database.reading):
            with open_session() as session:
                if database.dialect == "postgresql":
                    dbapi = session.connection().connection.dbapi_connection
                    assert dbapi.adapters.get_dumper(list, PyFormat.AUTO) is ListBinaryDumper
                assert sorted(session.scalars(select(table.c.id).where(one_of(session, table.c.note, odd[::-1])))) \
                    == list(range(len(odd)))
                assert sorted(session.scalars(select(table.c.id).where(one_of(
                    session, table.c.n, [2**40 + 1, 3, 2**40 + 4, 10**15])))) == [1, 4, 103]
