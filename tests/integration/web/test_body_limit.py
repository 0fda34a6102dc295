"""Request bodies over BAILIFF_MAX_REQUEST_BYTES get 413 problem+json; the largest valid batch fits."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bailiff.app import create_app
from bailiff.config import Settings
from bailiff.core.db import Database
from bailiff.register.service import MAX_BATCH
from tests.conftest import Issuer, make_org


@pytest.fixture
def small(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(dataclasses.replace(settings, max_request_bytes=1000), database)) as client:
        yield client


def test_a_declared_oversize_body_gets_413_problem_json(small: TestClient, court: Issuer) -> None:
    answer = small.post("/api/v1/writs/batch", content=b"[" + b" " * 1000 + b"]",
                        headers={**court.headers, "Content-Type": "application/json", "Accept-Language": "ru"})
    assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "/problems/request-too-large" and problem["max_bytes"] == 1000
    assert problem["title"] == "Запрос слишком велик" and "1000" in problem["detail"]
    english = small.post("/api/v1/writs", content=b" " * 1001, headers={"Accept-Language": "en"}).json()
    assert english["title"] == "The request body is too large"


def test_a_chunked_body_is_counted_as_it_arrives(small: TestClient, court: Issuer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"envelopes": ['
        for _ in range(100):
            yield b'{"document": {}, "signature": {}},'
        yield b"]}"

    answer = small.post("/api/v1/writs/batch", content=chunks(), headers={**court.headers, "Accept-Language": "en"})
    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert answer.status_code == 413 and answer.json()["type"] == "/problems/request-too-large"


def test_a_page_form_over_the_limit_gets_an_error_page(small: TestClient) -> None:
    answer = small.post("/login", data={"token": "x" * 2000}, headers={"Accept": "text/html"})
    assert answer.status_code == 413 and answer.headers["content-type"].startswith("text/html")


def test_the_default_limit_takes_the_largest_valid_batch_with_room_to_spare(web: TestClient,
                                                                           database: Database) -> None:
    court = make_org(database, "court")
    envelope = court.envelope()
    body = json.dumps({"envelopes": [envelope] * MAX_BATCH}).encode()  # \u escapes: the larger spelling
    assert len(body) * 3 < Settings.max_request_bytes
    # Read and parsed in full: refused only for the missing token, not for its size.
    answer = web.post("/api/v1/writs/batch", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 401
