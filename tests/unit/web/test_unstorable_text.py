"""PostgreSQL's refusal of U+0000 is the caller's input error (422 naming the rule), not a 500 to retry."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError

from bailiff.web import problems


def _app(message: str) -> TestClient:
    app = FastAPI()
    problems.install(app)

    @app.post("/api/v1/thing")
    def store() -> None:
        raise DataError("INSERT ...", {}, Exception(message))

    return TestClient(app, raise_server_exceptions=False)


def test_a_nul_refused_by_the_database_is_a_validation_problem() -> None:
    for message in ("PostgreSQL text fields cannot contain NUL (0x00) bytes",
                    "unsupported Unicode escape sequence DETAIL: \\u0000 cannot be converted to text."):
        answer = _app(message).post("/api/v1/thing", headers={"Accept-Language": "en"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == [{"field": "body", "rule": "text.control_character",
                                            "message": "a text holds U+0000, which cannot be stored"}]


def test_other_data_errors_stay_internal() -> None:
    answer = _app("value too long for type character varying(20)").post("/api/v1/thing")
    assert answer.status_code == 500 and answer.json()["type"] == "/problems/internal"
