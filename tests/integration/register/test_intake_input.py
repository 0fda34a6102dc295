"""Input a clerk's system may send by mistake: it is refused naming the field and the rule, never stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bailiff.core.crypto import sign_envelope
from bailiff.core.db import Database
from bailiff.register.models import Writ
from tests.conftest import Issuer


def _post(client: TestClient, court: Issuer, document: dict[str, Any]) -> Any:
    return client.post("/api/v1/writs", json=sign_envelope(document, court.key), headers=court.headers)


def _rules(response: Any) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


@pytest.mark.parametrize("number", ["{n} ", " {n}", "{n}\u00a0", " ", "\u00a0"])
def test_a_number_with_spaces_is_not_another_writ(client: TestClient, court: Issuer, number: str) -> None:
    doc = court.document()
    assert _post(client, court, doc).status_code == 201
    spaced = dict(doc, number=number.format(n=doc["number"]), claim=dict(doc["claim"], amount="777.00"))
    response = _post(client, court, spaced)
    assert response.status_code == 422, response.text
    assert ("document.number", "writ.number.spaces") in _rules(response)


@pytest.mark.parametrize("path", [("debtors", 0, "surname"), ("debtors", 0, "address"), ("case_number",),
                                  ("number",)])
def test_a_nul_character_is_refused_on_every_backend(client: TestClient, court: Issuer, database: Database,
                                                     path: tuple[Any, ...]) -> None:
    doc = court.document()
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = target[path[-1]][:2] + "\x00" + target[path[-1]][2:]
    with database.reading() as s:
        before = s.scalar(select(func.count()).select_from(Writ).where(Writ.issuer_id == court.org_id))
    response = _post(client, court, doc)
    assert response.status_code == 422, response.text  # PostgreSQL refused to store it: it was a 500
    field = "document" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    assert (field, "text.control_character") in _rules(response)
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(Writ).where(Writ.issuer_id == court.org_id)) == before


def test_one_bad_writ_in_a_batch_does_not_hold_up_the_rest(client: TestClient, court: Issuer) -> None:
    bad = court.document()
    bad["debtors"][0]["surname"] = "Ива\x00нов"
    envelopes = [court.envelope(), sign_envelope(bad, court.key), court.envelope()]
    body = client.post("/api/v1/writs/batch", json={"envelopes": envelopes}, headers=court.headers).json()
    assert [i["result"] for i in body["items"]] == ["accepted", "rejected", "accepted"]
    assert body["items"][1]["errors"][0]["rule"] == "text.control_character"


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"claim": {"kind": "periodic", "category": "alimony", "share": "1/4", "currency": "RUB",
                "start_date": "2026-10-01", "end_date": "2025-01-01"}}, "document.claim.end_date",
     "claim.period.end_before_start"),
    ({"joint_liability": "yes"}, "document.joint_liability", "schema.bool_type"),
    ({"joint_liability": 1}, "document.joint_liability", "schema.bool_type"),
])
def test_claims_and_flags_are_checked(client: TestClient, court: Issuer, changes: dict[str, Any], field: str,
                                      rule: str) -> None:
    response = _post(client, court, court.document(**changes))
    assert response.status_code == 422, response.text
    assert (field, rule) in _rules(response)


@pytest.mark.parametrize(("birth", "rule"), [("2026-10-01", "dates.birth_after_decision"),
                                             ("1800-01-01", "dates.birth_too_early"),
                                             (0, "schema.value_error")])
def test_a_debtors_birth_date_is_checked(client: TestClient, court: Issuer, birth: Any, rule: str) -> None:
    doc = court.document()
    doc["debtors"][0]["birth_date"] = birth
    response = _post(client, court, doc)
    assert response.status_code == 422, response.text
    assert ("document.debtors[0].birth_date", rule) in _rules(response)


def test_replays_and_refusals_leave_no_gaps_in_register_numbers(client: TestClient, court: Issuer) -> None:
    first = court.envelope()
    numbers = [client.post("/api/v1/writs", json=first, headers=court.headers).json()["register_number"]]
    for _ in range(3):  # sent again: the same writ, no new number
        assert client.post("/api/v1/writs", json=first, headers=court.headers).json()["replay"] is True
    batch = [first, court.envelope(), first, court.envelope()]
    body = client.post("/api/v1/writs/batch", json={"envelopes": batch}, headers=court.headers).json()
    numbers += [body["items"][i]["register_number"] for i in (1, 3)]
    tails = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert tails == [tails[0], tails[0] + 1, tails[0] + 2]  # the demo database had one gap per resend
