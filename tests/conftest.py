"""Shared fixtures: real databases (SQLite always, PostgreSQL when BAILIFF_TEST_POSTGRES_URL is set).

Integration tests run once per backend. Each backend's database is created fresh for the test
session (on PostgreSQL, a database of its own per xdist worker) with `alembic upgrade head`.
Tests create their own organisations with unique codes, so they never depend on each other.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bailiff.app import create_app
from bailiff.config import Settings
from bailiff.core.crypto import SigningKey, sign_envelope
from bailiff.core.db import Database, upgrade
from bailiff.core.actor import CLI_ADMIN
from bailiff.orgs import service as orgs

# The interchange format's example, kept in the repository so that a clone anywhere can run the suite.
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "writ.example.json"
POSTGRES_URL = os.environ.get("BAILIFF_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def fresh_postgres_url(tag: str) -> str:
    """Create an empty PostgreSQL database for this worker and return its URL."""
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL)
    name = f"bailiff_test_{tag}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def fresh_database_url(backend: str, tmp_dir: Path, tag: str) -> str:
    """An empty database of the given backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / f'{tag}.sqlite3'}"
    return fresh_postgres_url(tag)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bailiff-data")


@pytest.fixture(scope="session")
def database(backend: str, data_dir: Path) -> Iterator[Database]:
    url = fresh_database_url(backend, data_dir, "suite")
    upgrade(url)
    db = Database(url)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def settings(database: Database, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=database.url, jurisdiction="ru")


@pytest.fixture(scope="session")
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database)) as c:
        yield c


_codes = itertools.count(1)


@dataclass
class Issuer:
    """A registered court with its key and token, as a test sees it."""

    code: str
    key: SigningKey
    token: str
    org_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def document(self, **changes: Any) -> dict[str, Any]:
        """The shared example writ, issued by this court under a fresh number."""
        import json

        doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        doc["issuer"]["code"] = self.code
        doc["number"] = f"2-{next(_codes)}/2026"
        doc.update(changes)
        return doc

    def envelope(self, **changes: Any) -> dict[str, Any]:
        return sign_envelope(self.document(**changes), self.key)


# The creditor of the writ example (ПАО Сбербанк): a claimant with this INN may act on its writs.
EXAMPLE_CREDITOR = {"inn": "7707083893"}


def make_org(database: Database, kind: str = "court", key: SigningKey | None = None,
             identifiers: dict[str, str] | None = None) -> Issuer:
    """Register an organisation with a unique code (a claimant is the example writ's creditor by default)."""
    key = key or SigningKey.generate()
    code = f"T-{kind[:3].upper()}-{uuid.uuid4().hex[:10]}"
    if identifiers is None and kind == "claimant":
        identifiers = EXAMPLE_CREDITOR
    with database.transaction() as session:
        new = orgs.add_org(session=session, kind=kind, code=code, name=f"Test {kind} {code}", actor=CLI_ADMIN,
                           public_key_der=key.public_der if kind in ("court", "agency") else None,
                           identifiers=identifiers)
    return Issuer(code, key, new.token, new.id)


@pytest.fixture
def court(database: Database) -> Issuer:
    return make_org(database, "court")


@pytest.fixture
def bailiffs(database: Database) -> Issuer:
    return make_org(database, "bailiff_service")
