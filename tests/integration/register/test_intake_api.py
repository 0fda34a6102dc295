"""Intake through HTTP: one writ, batches, idempotency, conflicts, and every rejection rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from bailiff.core.audit import AuditEvent
from bailiff.core.crypto import SigningKey, sign_envelope
from bailiff.core.db import Database
from bailiff.app import create_app
from bailiff.config import Settings
from bailiff.core.outbox import OutboxEvent
from bailiff.register.models import Writ
from tests.conftest import Issuer, make_org


def rules_of(body: dict[str, Any]) -> set[str]:
    return {e["rule"] for e in body["errors"]}


def test_register_one_writ_then_replay_returns_same_result(client: TestClient, court: Issuer) -> None:
    envelope = court.envelope()
    first = client.post("/api/v1/writs", json=envelope, headers=court.headers)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/writs", json=envelope, headers=court.headers)
    assert again.status_code == 200
    assert again.json()["register_number"] == first.json()["register_number"]
    assert again.json()["leaf_index"] == first.json()["leaf_index"]
    assert again.json()["replay"] is True


def test_registration_writes_audit_outbox_and_leaf_together(client: TestClient, court: Issuer,
                                                            database: Database) -> None:
    body = client.post("/api/v1/writs", json=court.envelope(), headers=court.headers).json()
    number = body["register_number"]
    with database.reading() as s:
        writ = s.get(Writ, number)
        assert writ is not None and writ.status == "registered"
        audits = s.scalars(select(AuditEvent).where(AuditEvent.subject_id == number)).all()
        assert [(a.action, a.actor, a.log_leaf_index) for a in audits] == [
            ("writ.registered", f"org:{court.code}", body["leaf_index"])]
        assert s.scalar(select(func.count()).select_from(OutboxEvent)
                        .where(OutboxEvent.key == f"writ.registered:{number}")) == 1


def test_the_answer_leaves_only_after_the_commit(settings: Settings, database: Database, court: Issuer) -> None:
    """A commit that fails after the handler returned must not reach the client as "registered"."""
    def fail(session: Any) -> None:
        raise RuntimeError("the commit failed")

    envelope = court.envelope()
    event.listen(database.sessions, "before_commit", fail)
    try:
        with TestClient(create_app(settings, database), raise_server_exceptions=False) as client:
            response = client.post("/api/v1/writs", json=envelope, headers=court.headers)
    finally:
        event.remove(database.sessions, "before_commit", fail)
    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    with database.reading() as s:
        number = envelope["document"]["number"]
        assert s.scalar(select(func.count()).select_from(Writ).where(Writ.number == number, Writ.issuer_id == court.org_id)) == 0


def test_same_number_different_document_is_a_conflict(client: TestClient, court: Issuer) -> None:
    doc = court.document()
    assert client.post("/api/v1/writs", json=sign_envelope(doc, court.key), headers=court.headers).status_code == 201
    changed = dict(doc, claim=dict(doc["claim"], amount="99999.00"))
    response = client.post("/api/v1/writs", json=sign_envelope(changed, court.key), headers=court.headers)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert rules_of(response.json()) == {"writ.number.unique"}


def test_forged_signature_is_rejected_and_nothing_stored(client: TestClient, court: Issuer,
                                                         database: Database) -> None:
    envelope = court.envelope()
    envelope["document"]["claim"]["amount"] = "1000000.00"  # altered after signing
    response = client.post("/api/v1/writs", json=envelope, headers=court.headers)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [{"field": "signature.value", "rule": "signature.invalid",
                               "message": "the Ed25519 signature does not match the document"}]
    with database.reading() as s:
        assert s.scalar(select(Writ).where(Writ.number == envelope["document"]["number"])) is None


def test_signature_by_another_key_than_the_issuers(client: TestClient, court: Issuer, database: Database) -> None:
    other = make_org(database, "court")
    envelope = sign_envelope(court.document(), other.key)  # other court's key, this court's document
    response = client.post("/api/v1/writs", json=envelope, headers=court.headers)
    assert response.status_code == 422
    assert rules_of(response.json()) == {"issuer.key.mismatch"}


def test_unknown_key_and_unknown_token(client: TestClient, court: Issuer) -> None:
    envelope = sign_envelope(court.document(), SigningKey.generate())
    response = client.post("/api/v1/writs", json=envelope, headers=court.headers)
    assert rules_of(response.json()) == {"issuer.key.unknown"}
    response = client.post("/api/v1/writs", json=court.envelope(), headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/unauthorized"


def test_only_the_issuers_own_token_may_post(client: TestClient, court: Issuer, database: Database) -> None:
    bank = make_org(database, "bank")
    response = client.post("/api/v1/writs", json=court.envelope(), headers=bank.headers)
    assert response.status_code == 403
    assert rules_of(response.json()) == {"issuer.token_mismatch"}


def test_rule_violations_name_field_and_rule(client: TestClient, court: Issuer) -> None:
    doc = court.document(decision_date="2099-01-01", issue_date="2026-01-01")
    doc["claim"]["amount"] = "0.00"
    doc["debtors"][0]["identifiers"] = {"inn": "500100732250", "snils": "112-233-445 96"}
    doc["creditors"][0]["identifiers"]["ogrn"] = "1027700132194"
    response = client.post("/api/v1/writs", json=sign_envelope(doc, court.key), headers=court.headers)
    assert response.status_code == 422
    fields = {(e["field"], e["rule"]) for e in response.json()["errors"]}
    assert ("document.decision_date", "dates.decision_in_future") in fields
    assert ("document.issue_date", "dates.issue_before_decision") in fields
    assert ("document.claim.amount", "claim.amount.positive") in fields
    assert ("document.debtors[0].identifiers.inn", "inn.checksum") in fields
    assert ("document.debtors[0].identifiers.snils", "snils.checksum") in fields
    assert ("document.creditors[0].identifiers.ogrn", "ogrn.checksum") in fields


def test_the_error_example_of_the_format_document_is_what_the_server_says(client: TestClient, court: Issuer) -> None:
    """docs/writ-format.md shows a real answer: the example writ with its debtor's INN mistyped."""
    text = (Path(__file__).resolve().parents[3] / "docs" / "writ-format.md").read_text(encoding="utf-8")
    errors_section = text.split("## Errors", 1)[1]
    shown = json.loads(errors_section.split("```json", 1)[1].split("```", 1)[0])
    doc = court.document()
    doc["debtors"][0]["identifiers"]["inn"] = "500100732250"
    response = client.post("/api/v1/writs", json=sign_envelope(doc, court.key),
                           headers={**court.headers, "Accept-Language": "en"})  # as the document says
    assert response.status_code == shown["status"] == 422
    assert response.json() == shown


def test_debtor_without_identifier_or_birth_date(client: TestClient, court: Issuer) -> None:
    doc = court.document()
    doc["debtors"][0]["identifiers"] = {}
    del doc["debtors"][0]["birth_date"]
    response = client.post("/api/v1/writs", json=sign_envelope(doc, court.key), headers=court.headers)
    assert response.json()["errors"] == [{"field": "document.debtors[0]", "rule": "debtor.identification",
                                          "message": "a debtor needs at least one identifier or a birth date"}]
    doc["debtors"][0]["birth_date"] = "1980-05-17"  # a birth date alone is enough to register
    assert client.post("/api/v1/writs", json=sign_envelope(doc, court.key), headers=court.headers).status_code == 201


def test_schema_errors_name_the_path(client: TestClient, court: Issuer) -> None:
    doc = court.document()
    del doc["debtors"][0]["surname"]
    doc["claim"]["amount"] = 15.5  # amounts are decimal strings
    doc["unexpected"] = 1
    response = client.post("/api/v1/writs", json=sign_envelope(doc, court.key), headers=court.headers)
    fields = {(e["field"], e["rule"]) for e in response.json()["errors"]}
    assert ("document.debtors[0].surname", "schema.missing") in fields
    assert ("document.claim.amount", "schema.string_type") in fields
    assert ("document.unexpected", "schema.extra_forbidden") in fields


def test_malformed_body_and_envelope(client: TestClient, court: Issuer) -> None:
    response = client.post("/api/v1/writs", content=b"{not json", headers=court.headers)
    assert response.status_code == 422 and rules_of(response.json()) == {"json.syntax"}
    response = client.post("/api/v1/writs", json={"document": {}}, headers=court.headers)
    assert ("envelope.signature", "schema.missing") in {(e["field"], e["rule"]) for e in response.json()["errors"]}


def test_batch_mixes_accepted_and_rejected_without_half_storing(client: TestClient, court: Issuer,
                                                                database: Database) -> None:
    good = [court.envelope() for _ in range(5)]
    forged = court.envelope()
    forged["document"]["number"] = "forged-1"
    bad_rule = sign_envelope(court.document(issue_date="2001-01-01"), court.key)
    envelopes = [good[0], forged, good[1], bad_rule, good[2], good[3], good[0], good[4]]
    response = client.post("/api/v1/writs/batch", json={"envelopes": envelopes}, headers=court.headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (6, 2)
    items = body["items"]
    assert [i["result"] for i in items] == ["accepted", "rejected", "accepted", "rejected",
                                            "accepted", "accepted", "accepted", "accepted"]
    assert items[6]["register_number"] == items[0]["register_number"] and items[6]["replay"] is True
    numbers = [items[i]["register_number"] for i in (0, 2, 4, 5, 7)]
    assert len(set(numbers)) == 5
    leaves = sorted(items[i]["leaf_index"] for i in (0, 2, 4, 5, 7))
    assert leaves == list(range(leaves[0], leaves[0] + 5))  # consecutive leaves, in one transaction
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(Writ).where(Writ.issuer_id == court.org_id)) == 5


def test_batch_size_limits(client: TestClient, court: Issuer) -> None:
    response = client.post("/api/v1/writs/batch", json={"envelopes": []}, headers=court.headers)
    assert response.status_code == 422 and rules_of(response.json()) == {"batch.size"}
    response = client.post("/api/v1/writs/batch", json=[1, 2], headers=court.headers)
    assert response.status_code == 422


def test_periodic_and_non_monetary_claims(client: TestClient, court: Issuer) -> None:
    alimony = court.document(claim={"kind": "periodic", "category": "alimony", "share": "1/4", "currency": "RUB"})
    assert client.post("/api/v1/writs", json=sign_envelope(alimony, court.key),
                       headers=court.headers).status_code == 201
    eviction = court.document(claim={"kind": "non_monetary", "category": "eviction",
                                     "description": "Выселить из жилого помещения по адресу ..."})
    assert client.post("/api/v1/writs", json=sign_envelope(eviction, court.key),
                       headers=court.headers).status_code == 201
    bad = court.document(claim={"kind": "periodic", "category": "alimony", "share": "5/4", "currency": "RUB"})
    response = client.post("/api/v1/writs", json=sign_envelope(bad, court.key), headers=court.headers)
    assert rules_of(response.json()) == {"claim.share.proper_fraction"}


def test_inactive_issuer_is_refused(client: TestClient, court: Issuer, database: Database) -> None:
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.orgs import service as orgs

    with database.transaction() as session:
        orgs.set_active(session=session, code=court.code, active=False, reason="court abolished", actor=CLI_ADMIN)
    response = client.post("/api/v1/writs", json=court.envelope(), headers=court.headers)
    assert response.status_code == 401  # its token stops working with it
    with database.transaction() as session:
        orgs.set_active(session=session, code=court.code, active=True, reason="restored", actor=CLI_ADMIN)
    assert client.post("/api/v1/writs", json=court.envelope(), headers=court.headers).status_code == 201
