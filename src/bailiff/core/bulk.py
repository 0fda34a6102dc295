"""Many rows at once: `insert_rows` (binary COPY on PostgreSQL, one prepared executemany on SQLite)
and `update_rows` (one `UPDATE ... FROM unnest(...)` on PostgreSQL).

Every batch of the worker and of intake writes its log leaves, audit rows, outbox events and
records through these two functions, so their cost is a floor under every use case's throughput.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from operator import itemgetter
from typing import Any, NamedTuple

from psycopg.adapt import Dumper, PyFormat
from psycopg.postgres import adapters as pg_adapters, types as pg_types
from psycopg.pq import Format
from sqlalchemy import JSON, Float, LargeBinary, String, Table, bindparam
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bailiff.core.db import UTCDateTime, _json_bytes, _json_text

BULK_MIN_ROWS = 50  # below this the ORM's own INSERT costs no more than preparing a bulk load


class _JsonbText(Dumper):
    """A JSONB value whose JSON text (UTF-8) is already made: PostgreSQL's binary jsonb format is
    that text after a version byte, 1 (jsonb_recv)."""

    format = Format.BINARY
    oid = pg_types.get_oid("jsonb")

    def dump(self, obj: bytes) -> bytes:
        return b"\x01" + obj


class _JsonText(Dumper):
    """A JSON value whose JSON text (UTF-8) is already made: the binary json format is the text itself."""

    format = Format.BINARY
    oid = pg_types.get_oid("json")

    def dump(self, obj: bytes) -> bytes:
        return obj


# psycopg's own binary dumper for bytea columns, chosen by oid, is the DB-API `Binary` wrapper's, in
# Python; the plain bytes dumper (C in psycopg-binary) writes the same bytes.
_BYTES = pg_adapters.get_dumper(bytes, PyFormat.BINARY)

# The PostgreSQL type that a binary COPY declares for a column, by the column's compiled type: the
# server reads each field with that type's receive function, which checks it as input does (an
# over-long VARCHAR(n) is refused, not cut). A table with any other column type is loaded as text.
_BINARY_TYPES = {"BIGINT": "int8", "INTEGER": "int4", "SMALLINT": "int2", "BOOLEAN": "bool", "DATE": "date",
                 "TIMESTAMP WITH TIME ZONE": "timestamptz", "BYTEA": "bytea", "TEXT": "text", "FLOAT": "float8",
                 "DOUBLE PRECISION": "float8", "JSONB": "jsonb", "JSON": "json"}


def _copy_json(value: Any) -> str:
    return _json_text(value)  # None as JSON null, as SQLAlchemy's JSON type stores it by default


def _copy_json_or_null(value: Any) -> str | None:
    return None if value is None else _json_text(value)  # JSON(none_as_null=True): None as SQL NULL


def _json_or_null_bytes(value: Any) -> bytes | None:
    return None if value is None else _json_bytes(value)


def _text(value: Any) -> Any:
    # A plain INSERT lets the server cast a number given for a text column; a binary field must be text.
    return value if value is None or isinstance(value, str) else str(value)


def _float(value: Any) -> Any:
    return value if value is None else float(value)


def _then(first: Callable[[Any], Any] | None, second: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return second if first is None else lambda value: second(first(value))


def _text_processor(column: Any, dialect: Any) -> Any:
    """How a value of `column` is handed to the driver for a text load (SQLite's executemany, or
    PostgreSQL's text COPY): a JSON value goes as its JSON text, without the driver's JSON wrapper
    and dumper (a measurable share of a batch's CPU time)."""
    impl = column.type.dialect_impl(dialect)
    if dialect.name == "postgresql":
        if isinstance(impl, JSON):
            return _copy_json_or_null if impl.none_as_null else _copy_json
        if isinstance(impl, LargeBinary):
            return None  # psycopg writes bytes as bytea itself; SQLAlchemy's processor only wraps them
    return impl.bind_processor(dialect)


class _Plan(NamedTuple):
    """How a binary COPY sends each column: its PostgreSQL type, its value processor, and the
    positions of the text and UTC timestamp columns whose values `insert_rows` checks inline."""

    types: list[str]
    processors: list[Any]
    texts: list[int]
    stamps: list[int]


def _binary_plan(columns: list[Any], dialect: Any) -> _Plan | None:
    """The PostgreSQL type names and value processors of a binary COPY of `columns`, and the positions
    of the text and the UTC timestamp columns, whose values are checked inline instead (see
    `insert_rows`); None when a column's type has no binary form here (the table is then loaded as
    text)."""
    names, processors, texts, stamps = [], [], [], []
    for column in columns:
        impl = column.type.dialect_impl(dialect)
        compiled = impl.compile(dialect=dialect)
        name = _BINARY_TYPES.get("TEXT" if compiled.startswith("VARCHAR") else compiled)
        if name is None:
            return None
        if isinstance(impl, JSON):
            processor: Any = _json_or_null_bytes if impl.none_as_null else _json_bytes
        elif isinstance(impl, LargeBinary):
            processor = None
        else:
            processor = impl.bind_processor(dialect)
            if isinstance(impl, UTCDateTime):
                processor = None
                stamps.append(len(names))
            elif isinstance(impl, String) and processor is None:
                texts.append(len(names))
            elif isinstance(impl, String):
                processor = _then(processor, _text)
            elif isinstance(impl, Float):
                processor = _then(processor, _float)
        names.append(name)
        processors.append(processor)
    return _Plan(names, processors, texts, stamps)


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL, the driver's executemany of
    one prepared INSERT on SQLite.

    psycopg turns a multi-row INSERT into a new statement text for every batch and parses it each
    time; COPY FROM STDIN streams the rows instead (several times faster for thousands of rows). The
    binary COPY format sends numbers, timestamps and bytes as they are, without escaping them as text
    for the server to parse (measured: the client's time for a COPY of log leaves fell to a fifth).
    On SQLite, SQLAlchemy's executemany builds every row's parameters through the compiled
    statement; handing sqlite3 the processed tuples directly skips that. Every row must have the same
    keys; a column left out gets its Python-side default, or the server's (ids from their sequence).
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name not in ("postgresql", "sqlite") or len(rows) < BULK_MIN_ROWS:
        session.execute(table.insert(), rows)
        return
    names = list(rows[0])
    given = len(names)
    defaults = []
    for column in table.c:
        default = column.default
        if column.name in rows[0] or default is None or column.server_default is not None:
            continue
        if not (default.is_scalar or default.is_callable):
            raise ValueError(f"{table.name}.{column.name}: give it in every row (its default is not a value)")
        names.append(column.name)
        defaults.append(default)
    columns = [table.c[name] for name in names]
    plan = _binary_plan(columns, dialect) if dialect.name == "postgresql" else None
    processors = plan.processors if plan else [_text_processor(c, dialect) for c in columns]

    pick = itemgetter(*names[:given])
    convert = [(i, p) for i, p in enumerate(processors) if p is not None]
    texts, stamps = (plan.texts, plan.stamps) if plan else ([], [])

    def processed() -> Iterator[list[Any]]:
        for row in rows:
            values = [*pick(row)] if given > 1 else [pick(row)]
            values += [d.arg if d.is_scalar else d.arg(None) for d in defaults]
            for i, convert_one in convert:
                values[i] = convert_one(values[i])
            # Inline, not a call per value: a quarter of a million texts and 100,000 timestamps
            # per 5,000 proceedings opened, a twentieth of the batch's time as calls.
            for i in texts:
                value = values[i]
                if value.__class__ is not str and value is not None and not isinstance(value, str):
                    values[i] = str(value)  # as `_text`
            for i in stamps:
                value = values[i]
                if value is not None and value.tzinfo is None:
                    raise ValueError(f"{table.name}.{names[i]}: naive datetime given to a UTC column")
            yield values

    session.flush()  # pending ORM rows first, as a statement through the session would
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    target = dialect.identifier_preparer.format_table(table)
    if dialect.name == "sqlite":
        sql = f"INSERT INTO {target} ({quoted}) VALUES ({', '.join('?' * len(names))})"
        with _as_sqlalchemy_errors(dialect, sql), closing(cursor):
            cursor.executemany(sql, processed())
        return
    sql = f"COPY {target} ({quoted}) FROM STDIN" + ("" if plan is None else " (FORMAT BINARY)")
    if plan is not None:
        for dumper in (_JsonbText, _JsonText, _BYTES):  # this cursor's adapters only
            cursor.adapters.register_dumper(None, dumper)
    with _as_sqlalchemy_errors(dialect, sql), cursor.copy(sql) as copy:
        if plan is not None:
            copy.set_types(plan.types)
        for values in processed():
            copy.write_row(values)


@contextmanager
def _as_sqlalchemy_errors(dialect: Any, sql: str) -> Iterator[None]:
    """The driver's errors as SQLAlchemy's (IntegrityError, DataError...), as a statement through the
    session raises them: callers and the API's error handlers catch those."""
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error) from exc


def update_rows(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> int:
    """Set columns of many rows, each found by its `key` column, in the session's transaction; returns
    the number of rows changed. Every row must have the same keys; JSON columns are not supported.

    An executemany of one UPDATE sends a statement per row, which PostgreSQL parses, plans and runs
    one by one (3,361 draws of a benchmark batch took 3,361 statements). On PostgreSQL the rows go
    as one array per column instead, joined to the table in one statement (`UPDATE ... FROM
    unnest(...)`); on SQLite, in process, the driver's executemany of one prepared UPDATE is as cheap.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect
    names = list(rows[0])
    if key not in names:
        raise ValueError(f"{table.name}: every row must give its {key}")
    columns = [table.c[n] for n in names]
    if any(isinstance(c.type.dialect_impl(dialect), JSON) for c in columns):
        raise ValueError(f"{table.name}: update_rows does not set JSON columns")
    session.flush()  # pending ORM changes first, as a statement through the session would
    if dialect.name != "postgresql":
        statement = (table.update().where(table.c[key] == bindparam(f"u_{key}"))
                     .values({n: bindparam(f"u_{n}") for n in names if n != key}))
        result = session.connection().execute(statement, [{f"u_{n}": r[n] for n in names} for r in rows])
        return result.rowcount
    processors = [c.type.bind_processor(dialect) for c in columns]
    arrays = [[r[n] for r in rows] for n in names]
    arrays = [a if p is None else [p(v) for v in a] for a, p in zip(arrays, processors, strict=True)]
    prepare = dialect.identifier_preparer
    quoted = [prepare.quote(n) for n in names]
    # Strings go as text[], never as the column's VARCHAR(n)[]: an explicit cast truncates, so an
    # over-long key would match another row and an over-long value be cut instead of refused.
    types = ["TEXT" if isinstance(c.type.dialect_impl(dialect), String) else c.type.compile(dialect=dialect)
             for c in columns]
    sql = (f"UPDATE {prepare.format_table(table)} AS t SET "
           + ", ".join(f"{q} = v.{q}" for n, q in zip(names, quoted, strict=True) if n != key)
           + " FROM unnest(" + ", ".join(f"%s::{t}[]" for t in types)
           + f") AS v({', '.join(quoted)}) WHERE t.{prepare.quote(key)} = v.{prepare.quote(key)}")
    return session.connection().exec_driver_sql(sql, tuple(arrays)).rowcount
