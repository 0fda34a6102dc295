"""Database engine, sessions and migrations: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from psycopg.types.array import ListBinaryDumper
from sqlalchemy import JSON, ColumnElement, Connection, DateTime, Engine, String, Text, any_, bindparam, create_engine, event
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

JsonType = JSON().with_variant(JSONB(), "postgresql")
T = TypeVar("T")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both backends (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base of every table; each context owns its own tables."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JsonType}


def _json_bytes(value: Any) -> bytes:
    """JSON for a JSON column: orjson (UTF-8, several times faster than the standard library's
    encoder, which psycopg and SQLAlchemy use by default), or the standard library for what orjson
    refuses (integers beyond 64 bits), so that nothing either would store is refused."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False).encode()


def _json_text(value: Any) -> str:
    return _json_bytes(value).decode()


# orjson reads integers beyond 64 bits as floats; a text with a run of 19 digits (in a string, most
# likely, but perhaps not) is left to the standard library, which keeps every integer exact. The run
# is found by turning every digit into a 9 and looking for nineteen of them: a regular expression
# took four times as long as orjson's whole parse of a writ document (13 us against 3 us).
_DIGITS_AS_NINES = bytes.maketrans(b"0123456789", b"9" * 10)
_NINETEEN_NINES = b"9" * 19


def _json_loads(text: str | bytes) -> Any:
    """JSON from a JSON column: orjson (reading documents and events was a tenth of opening
    proceedings with the standard library), exact for every integer."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if _NINETEEN_NINES in data.translate(_DIGITS_AS_NINES):
        return json.loads(text)
    return orjson.loads(text)


POOL, OVERFLOW = 5, 5  # PostgreSQL connections per pool and process (see make_engine)


def make_engine(url: str) -> Engine:
    """Create an engine with the per-backend settings Bailiff relies on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json_text,
                               json_deserializer=_json_loads)
        _configure_sqlite(engine)
        return engine
    # psycopg takes the bytes as they are (SQLAlchemy hands this function to psycopg's JSON dumper).
    # At most POOL + OVERFLOW connections for writes and as many for reads per process: `bailiff serve
    # --workers 3` and a worker use at most 80, within PostgreSQL's default max_connections (100); with
    # 15 and 10 overflow they could ask for 140 and fail on the server's limit. Writers wait for the log
    # lock anyway, so more write connections would add no throughput; a request that finds them all
    # busy waits for one (pool_timeout, 30 s).
    engine = create_engine(url, pool_size=POOL, max_overflow=OVERFLOW, pool_pre_ping=True,
                           json_serializer=_json_bytes, json_deserializer=_json_loads)
    # Bulk inserts as multi-row INSERT ... VALUES statements (SQLAlchemy's "insertmanyvalues", the
    # default for psycopg2 but not for psycopg 3): psycopg's executemany sends a statement per row,
    # which measured several times slower for batch intake and identity resolution.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return _binary_lists(engine)


def _binary_lists(engine: Engine) -> Engine:
    """List parameters (`one_of`'s arrays, `core.bulk.update_rows`' columns) go in PostgreSQL's
    binary array format. psycopg dumps a list as array text by default, quoting and escaping every
    element in Python: 0.61 ms for 1,000 register numbers against 0.18 ms in binary (measured), and
    a twentieth of the client's time of opening proceedings."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)  # the last one registered is used

    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN so we can choose its kind below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A deferred transaction that later writes can fail with SQLITE_BUSY when another
        # writer got in first; BEGIN IMMEDIATE takes the write lock up front instead.
        # Read-only sessions keep plain BEGIN so readers never wait for a writer (WAL).
        if conn.get_execution_options().get("bailiff_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def one_of(session: Session, column: Any, values: Any) -> ColumnElement[bool]:
    """`column IN values`, as one array parameter on PostgreSQL (`column = ANY(:array)`).

    With thousands of separate IN parameters every batch is a new statement text: psycopg
    re-parses it each time and PostgreSQL's generic plan for a prepared one can degrade to a scan.
    """
    if session.get_bind().dialect.name == "postgresql":
        # Cast to text[], never to the column's VARCHAR(n)[]: PostgreSQL truncates on an explicit cast,
        # so an over-long value would match a row it is not equal to. The values go unsorted: an
        # index scan sorts an array's keys itself, and sorting a thousand strings here took six
        # times as long as removing their duplicates.
        element = Text() if isinstance(column.type, String) else column.type
        return column == any_(bindparam(None, list(set(values)), type_=ARRAY(element)))
    return column.in_(sorted(set(values)))


class Database:
    """An engine with its write and read-only session factories."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads on PostgreSQL run in autocommit on a pool of their own. Under READ COMMITTED,
        # PostgreSQL's default and Bailiff's, every statement of a transaction sees the database
        # as of its own start anyway, so a read-only transaction only added BEGIN and COMMIT: two
        # of a public GET's three round trips (measured: a proof over HTTP 0.1-0.2 ms faster).
        # Connections are put in autocommit once, when opened, not switched at each checkout.
        self.read_engine = self.engine if self.engine.dialect.name != "postgresql" else _idle_pinged(_binary_lists(create_engine(
            url, pool_size=POOL, max_overflow=OVERFLOW, isolation_level="AUTOCOMMIT", json_serializer=_json_bytes,
            json_deserializer=_json_loads)))
        self.read_bind = self.read_engine.execution_options(bailiff_readonly=True)
        self.read_sessions = sessionmaker(self.read_bind, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session that never blocks writers."""
        with self.read_sessions() as session, session.begin():
            yield session

    def read(self, work: Callable[[Session], T]) -> T:
        """`work` in a read-only session, run again once if its connection turned out to be dead
        (PostgreSQL restarted, say): a read can be repeated, and SQLAlchemy has by then replaced
        the pool's connections. See `_idle_pinged` for why reads are not pinged first."""
        return _once_more_if_dropped(self.reading, work)

    def read_plain(self, work: Callable[[Connection], T]) -> T:
        """As `read`, on a bare read-only connection: for plain SQL reads that need no ORM (the
        public log's), a fifth of a session's cost (measured: 20 us against 95 us)."""
        return _once_more_if_dropped(self.read_bind.connect, work)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def _once_more_if_dropped(open_: Callable[[], Any], work: Callable[[Any], T]) -> T:
    try:
        with open_() as handle:
            return work(handle)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with open_() as handle:
        return work(handle)


# A pooled read connection idle for longer than this is pinged before use (SQLAlchemy's pessimistic
# disconnect handling, for the connections likely to have outlived a database restart).
IDLE_PING_SECONDS = 1.0


def _idle_pinged(engine: Engine) -> Engine:
    """The read pool's disconnect handling. The pool's own pre-ping is a round trip before every
    checkout: at a million leaves it was a third of an inclusion proof's server time. Here only a
    connection that has been idle a while is pinged (a dead one is replaced before the read); one in
    steady use is not, and should the database restart under load, the read fails on it, SQLAlchemy
    invalidates the pool, and `Database.read` runs the read again on a new connection (optimistic
    handling)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")  # none yet: a new connection
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:  # the driver's error for a dead connection; the pool opens another
            raise DisconnectionError(f"an idle pooled connection is gone: {exc}") from exc

    return engine


def alembic_config(url: str) -> Any:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema to `revision` (creating the SQLite file if needed)."""
    from alembic import command

    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)
