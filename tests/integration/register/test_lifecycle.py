"""The writ's life cycle: presentation, double execution, duplicates, recall, authorisation."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient

from bailiff.core.actor import Actor
from bailiff.core.db import Database
from bailiff.core.errors import BailiffError
from bailiff.register import transitions
from tests.conftest import Issuer, make_org


def register(client: TestClient, court: Issuer, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v1/writs", json=court.envelope(**changes), headers=court.headers)
    assert response.status_code == 201, response.text
    return response.json()


def act(client: TestClient, who: Issuer, number: str, action: str) -> Any:
    return client.post(f"/api/v1/writs/{number}/transitions", json={"action": action, "reason": "test"},
                       headers=who.headers)


def test_full_life_cycle_and_history(client: TestClient, court: Issuer, bailiffs: Issuer) -> None:
    number = register(client, court)["register_number"]
    for action, status in (("present", "presented"), ("start_execution", "in_execution"), ("complete", "executed")):
        response = act(client, bailiffs, number, action)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    verification = client.get(f"/api/v1/writs/{number}/verification").json()
    assert verification["status"] == "executed"
    assert [h["action"] for h in verification["history"]] == [
        "writ.registered", "writ.present", "writ.start_execution", "writ.complete"]
    leaves = [h["leaf_index"] for h in verification["history"]]
    assert leaves == sorted(leaves) and len(set(leaves)) == 4


def test_double_execution_is_refused(client: TestClient, court: Issuer, bailiffs: Issuer) -> None:
    number = register(client, court)["register_number"]
    assert act(client, bailiffs, number, "present").status_code == 200
    again = act(client, bailiffs, number, "present")
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/double-execution"
    assert act(client, bailiffs, number, "start_execution").status_code == 200
    assert act(client, bailiffs, number, "present").json()["errors"][0]["rule"] == "writ.double_execution"


def test_returned_writ_may_be_presented_again(client: TestClient, court: Issuer, bailiffs: Issuer) -> None:
    number = register(client, court)["register_number"]
    for action in ("present", "return", "present"):
        assert act(client, bailiffs, number, action).status_code == 200


def test_only_the_issuer_recalls_and_only_the_service_presents(client: TestClient, court: Issuer,
                                                               bailiffs: Issuer, database: Database) -> None:
    number = register(client, court)["register_number"]
    other_court = make_org(database, "court")
    assert act(client, court, number, "present").status_code == 403
    forbidden = act(client, other_court, number, "recall")
    assert forbidden.status_code == 403 and forbidden.json()["errors"][0]["rule"] == "writ.recall.actor"
    assert act(client, bailiffs, number, "recall").status_code == 403
    assert act(client, court, number, "recall").json()["status"] == "recalled"
    assert act(client, bailiffs, number, "present").json()["errors"][0]["rule"] == "writ.present.from_status"


def test_duplicate_supersedes_the_original(client: TestClient, court: Issuer, bailiffs: Issuer) -> None:
    document = court.document()
    from bailiff.core.crypto import sign_envelope

    original = client.post("/api/v1/writs", json=sign_envelope(document, court.key), headers=court.headers).json()
    assert act(client, bailiffs, original["register_number"], "present").status_code == 200
    duplicate_doc = dict(document, duplicate={"original_number": document["number"], "sequence": 1})
    duplicate = client.post("/api/v1/writs", json=sign_envelope(duplicate_doc, court.key), headers=court.headers)
    assert duplicate.status_code == 201, duplicate.text
    # The duplicate continues the enforcement already under way, so it cannot be presented elsewhere.
    assert duplicate.json()["status"] == "presented"
    old = client.get(f"/api/v1/writs/{original['register_number']}/verification").json()
    assert old["status"] == "superseded"
    assert old["superseded_by"] == duplicate.json()["register_number"]
    refused = act(client, bailiffs, original["register_number"], "present")
    assert refused.status_code == 409 and refused.json()["type"] == "/problems/writ-superseded"
    assert refused.json()["superseded_by"] == duplicate.json()["register_number"]
    # A second duplicate of the same sequence conflicts; a duplicate of nothing is refused.
    again = dict(duplicate_doc, issue_date="2026-10-08")
    assert client.post("/api/v1/writs", json=sign_envelope(again, court.key),
                       headers=court.headers).status_code == 409
    orphan = court.document(duplicate={"original_number": "no-such-number", "sequence": 1})
    response = client.post("/api/v1/writs", json=sign_envelope(orphan, court.key), headers=court.headers)
    assert response.json()["errors"][0]["rule"] == "duplicate.original.unknown"


def test_unknown_writ_and_bad_number(client: TestClient, bailiffs: Issuer) -> None:
    assert act(client, bailiffs, "RU-2026-999999999", "present").status_code == 404
    assert client.get("/api/v1/writs/not-a-number/verification").status_code == 422


def test_concurrent_presentations_exactly_one_wins(client: TestClient, court: Issuer, bailiffs: Issuer,
                                                   database: Database) -> None:
    """Two transactions present the same writ at once: the log lock lets exactly one through."""
    numbers = [register(client, court)["register_number"] for _ in range(5)]
    actor = Actor(kind="org", ident=bailiffs.code, role="bailiff_service", org_id=bailiffs.org_id)
    for number in numbers:
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def present() -> None:
            barrier.wait()
            try:
                with database.transaction() as session:
                    transitions.transition(session=session, register_number=number, action="present",
                                       reason="race", actor=actor)
                outcomes.append("won")
            except BailiffError as exc:
                outcomes.append(type(exc).__name__)

        threads = [threading.Thread(target=present) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["DoubleExecution", "won"]
