"""Fresh databases for each measurement: a new SQLite file, or a new PostgreSQL database.

Every intake run starts from an empty register, so runs never see each other's writs (the
register recognises a document by its hash and would answer a re-sent corpus with replays).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bailiff.core.actor import CLI_ADMIN
from bailiff.core.crypto import SigningKey
from bailiff.core.db import Database, upgrade
from bailiff.orgs import service as orgs

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")


def postgres_version(admin_url: str = POSTGRES_ADMIN_URL) -> tuple[str | None, str | None]:
    """(server version, None) when PostgreSQL answers, else (None, the reason)."""
    try:
        engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                return str(conn.execute(text("SHOW server_version")).scalar_one()), None
        finally:
            engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL to measure"
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _admin(admin_url: str):  # type: ignore[no-untyped-def]
    return create_engine(admin_url, isolation_level="AUTOCOMMIT")


def fresh_url(backend: str, name: str, tmp_dir: Path, admin_url: str = POSTGRES_ADMIN_URL) -> str:
    """URL of an empty database called `name` (a file in tmp_dir for SQLite)."""
    if backend == "sqlite":
        path = tmp_dir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    engine = _admin(admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop(backend: str, url: str, admin_url: str = POSTGRES_ADMIN_URL) -> None:
    """Remove a benchmark database (the SQLite files go with the temp dir)."""
    if backend != "postgresql":
        return
    name = make_url(url).database
    engine = _admin(admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Court:
    """The benchmark's court as the API sees it: its code, org id and bearer token."""

    code: str
    org_id: int
    token: str


def prepare_register(url: str, *, code: str, name: str, region: str, key: SigningKey) -> Court:
    """Migrate an empty database and register the court whose key signed the corpus."""
    upgrade(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            new = orgs.add_org(session=session, kind="court", code=code, name=name, actor=CLI_ADMIN,
                               region=region, public_key_der=key.public_der)
    finally:
        database.dispose()
    return Court(code, new.id, new.token)
