"""The writ follows its proceeding: the register refuses moves that belong to a running proceeding,
an unknown department, and a duplicate of a writ in execution carries the proceeding on."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from bailiff.config import Settings
from bailiff.core.crypto import sign_envelope
from bailiff.core.db import Database
from tests.conftest import Issuer
from tests.integration.assignment.test_draw_flow import drain, make_office, present, proceeding_of

pytestmark = pytest.mark.xdist_group("outbox")
PAID = "229-FZ art. 47 part 1 s.1: paid in full"


def _writ_move(client: TestClient, who: Issuer, number: str, action: str, **extra: Any) -> Any:
    return client.post(f"/api/v1/writs/{number}/transitions", headers=who.headers,
                       json={"action": action, "reason": "исполнено", **extra})


def _status(client: TestClient, number: str) -> str:
    return client.get(f"/api/v1/writs/{number}/verification").json()["status"]


def _running(client: TestClient, database: Database, settings: Settings, court: Issuer,
             bailiffs: Issuer) -> tuple[str, str]:
    """A writ presented and its proceeding opened and drawn: (register number, proceeding number)."""
    office, _ = make_office(database, [10])
    number = present(client, court, bailiffs, office, own_debtor=True)
    drain(database, settings)
    return number, proceeding_of(database, number).number


def test_a_writ_under_a_running_proceeding_is_moved_only_by_the_proceeding(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    number, proceeding = _running(client, database, settings, court, bailiffs)
    for action in ("complete", "return", "terminate"):
        refused = _writ_move(client, bailiffs, number, action)
        assert refused.status_code == 409, refused.text
        assert refused.json()["errors"][0] == {"field": "action", "rule": "writ.proceeding_running",
                                               "message": proceeding}
    assert _status(client, number) == "in_execution"
    done = client.post("/api/v1/proceedings/transitions", headers=bailiffs.headers,
                       json={"number": proceeding, "action": "complete", "ground": PAID})
    assert done.status_code == 200, done.text
    assert _status(client, number) == "executed"


def test_a_department_is_one_that_exists_and_only_at_presentation(client: TestClient, court: Issuer,
                                                                   bailiffs: Issuer, database: Database) -> None:
    number = client.post("/api/v1/writs", json=court.envelope(), headers=court.headers).json()["register_number"]
    unknown = _writ_move(client, bailiffs, number, "present", department="NOPE")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["rule"] == "department.known"
    assert _status(client, number) == "registered"  # nothing happened
    office, _ = make_office(database, [10])
    misplaced = _writ_move(client, bailiffs, number, "recall", department=office)
    assert misplaced.status_code == 422
    assert misplaced.json()["errors"][0]["rule"] == "department.only_at_presentation"


def test_a_duplicate_of_a_writ_in_execution_carries_its_proceeding_on(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    original, proceeding = _running(client, database, settings, court, bailiffs)
    doc = _document_of(database, original)
    lost = dict(doc, duplicate={"original_number": doc["number"], "sequence": 1})
    created = client.post("/api/v1/writs", json=sign_envelope(lost, court.key), headers=court.headers)
    assert created.status_code == 201, created.text
    duplicate = created.json()["register_number"]
    drain(database, settings)  # the duplicate's debtor is identified like any writ's
    assert (_status(client, original), _status(client, duplicate)) == ("superseded", "in_execution")
    # The duplicate is not executed behind the proceeding's back either.
    assert _writ_move(client, bailiffs, duplicate, "complete").status_code == 409
    measure = client.post("/api/v1/measures", headers=bailiffs.headers,
                          json={"proceeding_number": proceeding, "kind": "arrest_accounts"})
    assert measure.status_code == 201, measure.text
    done = client.post("/api/v1/proceedings/transitions", headers=bailiffs.headers,
                       json={"number": proceeding, "action": "complete", "ground": PAID})
    assert done.status_code == 200, done.text
    assert _status(client, duplicate) == "executed" and _status(client, original) == "superseded"
    view = client.get("/api/v1/proceedings/" + quote(proceeding, safe=""), headers=bailiffs.headers).json()
    assert view["register_number"] == duplicate


def _document_of(database: Database, register_number: str) -> dict[str, Any]:
    from bailiff.register import service

    with database.reading() as s:
        return dict(service.get_writ(session=s, register_number=register_number).document)
