"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis + hypothesis).

Whatever a client sends, the server answers without a 5xx, and every 4xx is problem+json.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from bailiff.app import create_app
from bailiff.config import Settings
from bailiff.core.db import Database, upgrade


def _operations(tmp: Path):  # noqa: ANN202
    url = f"sqlite:///{tmp / 'fuzz.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(data_dir=tmp, database_url=url), Database(url))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_bad_input_with_problem_json(tmp_path: Path) -> None:
    operations = _operations(tmp_path)
    assert len(operations) >= 10  # every public route is in the schema
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)  # the same examples on every run: CI must not be flaky
        def check(case) -> None:  # noqa: ANN001
            response = case.call()
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
            if 400 <= response.status_code < 500:
                assert response.headers["content-type"][0].startswith("application/problem+json"), (
                    f"{case.method} {case.formatted_path} {response.status_code}")

        try:
            check()
        except AssertionError as exc:
            pytest.fail(f"{operation.label}: {exc}")
