"""Changing a bailiff: only through the commission (a redraw without them), or by a logged override;
the fairness report shows both, with the chi-square of cases against weights."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from bailiff.assignment import changes, service as assignment
from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN, Actor
from bailiff.core.crypto import SCHEMES, SigningKey, canonical_json
from bailiff.core.db import Database
from bailiff.orgs import service as orgs
from bailiff.core.errors import Forbidden
from tests.conftest import Issuer, make_org
from tests.integration.assignment.test_draw_flow import drain, make_office, present, proceeding_of

pytestmark = pytest.mark.xdist_group("outbox")


def assigned(client: TestClient, number: str) -> dict:
    return client.get("/api/v1/assignments/" + quote(number, safe="")).json()


def test_commission_grants_a_change_and_the_redraw_excludes_the_bailiff(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [10, 10, 10])
    number = proceeding_of(database, (present(client, court, bailiffs, office), drain(database, settings))[0]).number
    first = assigned(client, number)["bailiff"]["bailiff_id"]
    claimant, commission = make_org(database, "claimant"), make_org(database, "commission")

    refused = client.post("/api/v1/change-applications", headers=court.headers,
                          json={"proceeding_number": number, "reason": "bias"})
    assert refused.status_code == 403
    # A claimant that is not the writ's creditor (another INN) has no say in this proceeding.
    stranger = make_org(database, "claimant", identifiers={"inn": "7736050003"})
    foreign = client.post("/api/v1/change-applications", headers=stranger.headers,
                          json={"proceeding_number": number, "reason": "bias"})
    assert foreign.status_code == 403 and "not a creditor" in foreign.json()["detail"]
    with database.transaction() as session:  # `bailiff org identify`: it was the creditor after all
        orgs.set_identifiers(session=session, code=stranger.code, identifiers={"inn": "7707083893"},
                             reason="registered before identifiers were kept", actor=CLI_ADMIN)
    late = client.post("/api/v1/change-applications", headers=stranger.headers,
                       json={"proceeding_number": number, "reason": "no action for two months"})
    assert late.status_code == 201, late.text
    assert client.post(f"/api/v1/change-applications/{late.json()['id']}/decision",
                       headers=make_org(database, "commission").headers,
                       json={"grant": False, "reason": "premature"}).status_code == 200
    empty = client.post("/api/v1/change-applications", headers=claimant.headers,
                        json={"proceeding_number": number, "reason": "  "})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "reason"
    filed = client.post("/api/v1/change-applications", headers=claimant.headers,
                        json={"proceeding_number": number, "reason": "no action for two months"})
    assert filed.status_code == 201, filed.text
    application = filed.json()
    assert application["status"] == "pending" and application["bailiff_id"] == first
    assert client.post("/api/v1/change-applications", headers=claimant.headers,
                       json={"proceeding_number": number, "reason": "again"}).status_code == 409

    assert client.get("/api/v1/change-applications?status=pending", headers=claimant.headers).status_code == 403
    queue = client.get("/api/v1/change-applications?status=pending&limit=500", headers=commission.headers).json()
    assert application["id"] in [a["id"] for a in queue["applications"]]
    assert client.post(f"/api/v1/change-applications/{application['id']}/decision", headers=claimant.headers,
                       json={"grant": True, "reason": "self-serving"}).status_code == 403
    for vague in ("yes", 1, "true"):  # a decision says true or false; "yes" was read as granted
        unclear = client.post(f"/api/v1/change-applications/{application['id']}/decision",
                              headers=commission.headers, json={"grant": vague, "reason": "неясно"})
        assert unclear.status_code == 422 and unclear.json()["errors"][0]["field"].endswith("grant")
    decided = client.post(f"/api/v1/change-applications/{application['id']}/decision", headers=commission.headers,
                          json={"grant": True, "reason": "inaction confirmed by the case file"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "granted"
    drain(database, settings)

    record = assigned(client, number)
    assert record["kind"] == "redraw" and record["excluded"] == [first]
    assert first not in [e["bailiff_id"] for e in record["eligible"]]
    assert record["bailiff"]["bailiff_id"] in set(ids) - {first}
    assert [h["bailiff"]["bailiff_id"] for h in record["history"]] == [first]
    assert client.post(f"/api/v1/change-applications/{application['id']}/decision", headers=commission.headers,
                       json={"grant": False, "reason": "twice"}).status_code == 409


def test_override_is_signed_logged_and_reported(client: TestClient, database: Database, settings: Settings,
                                                court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [10, 10, 10])
    number = proceeding_of(database, (present(client, court, bailiffs, office), drain(database, settings))[0]).number
    drawn = assigned(client, number)["bailiff"]["bailiff_id"]
    target = next(i for i in ids if i != drawn)
    key = SigningKey.load_or_create(settings.service_key_path)
    with database.transaction() as session, pytest.raises(Forbidden):
        changes.override(session=session, proceeding_number=number, bailiff_id=target, reason="x",
                         actor=Actor(kind="org", ident=bailiffs.code, role="bailiff_service", org_id=bailiffs.org_id),
                         key=key)
    with database.transaction() as session:
        row = changes.override(session=session, proceeding_number=number, bailiff_id=target,
                               reason="the drawn bailiff is the debtor's relative", actor=CLI_ADMIN, key=key)
    leaf = json.loads(base64.b64decode(client.get(f"/api/v1/log/leaves/{row.result_leaf}").json()["leaf_data"]))
    signature = leaf.pop("signature")
    assert leaf["event"] == "assignment.override" and leaf["to"] == target and leaf["from"] == drawn
    assert SCHEMES["Ed25519"].verify(key.public_der, base64.b64decode(signature["value"]), canonical_json(leaf))
    assert assigned(client, number)["bailiff"]["bailiff_id"] == target

    report = client.get(f"/api/v1/stats/fairness?office={office}").json()
    assert [o["proceeding"] for o in report["alarms"]["overrides"]] == [number]
    assert report["offices"][office]["draws"] == 1  # the override is not a draw
    assert [s["proceeding"] for s in report["alarms"]["small_eligible_sets"]] == []


def test_fairness_flags_small_sets_and_last_minute_absences(client: TestClient, database: Database,
                                                            settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [50, 50, 50])
    with database.transaction() as session:
        assignment.file_unavailability(session=session, bailiff_id=ids[2], kind="absence", starts_on=date.today(),
                                       ends_on=date.today() + timedelta(days=2), reason="called away",
                                       actor=CLI_ADMIN)
    for _ in range(3):
        present(client, court, bailiffs, office, own_debtor=True)
    drain(database, settings)
    report = client.get(f"/api/v1/stats/fairness?office={office}").json()
    assert report["offices"][office]["draws"] == 3
    assert len(report["alarms"]["small_eligible_sets"]) == 3  # two bailiffs left each time
    late = report["alarms"]["late_absences"]
    assert [(a["bailiff_id"], a["draws_affected"]) for a in late] == [(ids[2], 3)]
    office_report = report["offices"][office]
    assert sum(b["cases"] for b in office_report["bailiffs"]) == 3
    assert office_report["enough_data"] is False  # three draws say nothing about fairness yet


def test_fairness_raises_draws_whose_round_never_came(client: TestClient, database: Database,
                                                       settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    from sqlalchemy import update

    from bailiff.assignment.models import Assignment, BeaconChain
    from bailiff.core.clock import utcnow

    office, _ = make_office(database, [50, 50, 50])
    numbers = [proceeding_of(database, (present(client, court, bailiffs, office, own_debtor=True),
                                        drain(database, settings))[0]).number for _ in range(2)]
    # As if both commitments named a chain the deployment stopped serving (the worker leaves them be):
    # one committed 20 minutes ago, one a minute ago.
    with database.transaction() as session:
        # The chain was served once: its anchor is still on record.
        session.add(BeaconChain(source="drand:no-longer-served", anchor=bytes(32), length=0, anchor_leaf=0,
                                created_at=utcnow()))
        for number, age in zip(numbers, (20, 1), strict=True):
            session.execute(update(Assignment).where(Assignment.proceeding_number == number)
                            .values(status="committed", bailiff_id=None, beacon="drand:no-longer-served",
                                    committed_at=utcnow() - timedelta(minutes=age)))
    drain(database, settings)  # nothing to draw, and nothing else blocked by them
    stalled = client.get(f"/api/v1/stats/fairness?office={office}").json()["alarms"]["stalled_draws"]
    assert [s["proceeding"] for s in stalled] == [numbers[0]]
    assert stalled[0]["beacon"] == "drand:no-longer-served" and stalled[0]["round"] is not None
    # Commitments in the same office that the deployment can draw are still drawn.
    fresh = proceeding_of(database, (present(client, court, bailiffs, office, own_debtor=True),
                                     drain(database, settings))[0]).number
    assert assigned(client, fresh)["status"] == "drawn"
