"""A client of its own for the web layer's tests: sign-ins and language cookies stay out of the shared one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bailiff.app import create_app
from bailiff.config import Settings
from bailiff.core.db import Database


@pytest.fixture
def web(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database)) as client:
        yield client
