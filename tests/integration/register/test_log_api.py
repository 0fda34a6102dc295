"""The public log contract: tree head, leaves, inclusion and consistency proofs, verification page."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from bailiff.core import merkle
from bailiff.core.crypto import SCHEMES, public_der_from_pem
from bailiff.core.translog import tree_head_message
from tests.conftest import Issuer


def head(client: TestClient) -> dict:
    return client.get("/api/v1/log/tree-head").json()


def test_tree_head_is_signed_by_the_service_key(client: TestClient, court: Issuer) -> None:
    client.post("/api/v1/writs", json=court.envelope(), headers=court.headers)
    th = head(client)
    assert set(th) == {"tree_size", "root_hash", "timestamp", "key_id", "signature"}
    key = client.get("/api/v1/log/public-key").json()
    der = public_der_from_pem(key["public_key_pem"].encode())
    message = tree_head_message(timestamp=th["timestamp"], tree_size=th["tree_size"],
                                root_hash=bytes.fromhex(th["root_hash"]))
    assert SCHEMES["Ed25519"].verify(der, base64.b64decode(th["signature"]), message)
    assert not SCHEMES["Ed25519"].verify(der, base64.b64decode(th["signature"]), message[:-1] + bytes([message[-1] ^ 1]))


def test_inclusion_and_consistency_proofs_verify(client: TestClient, court: Issuer) -> None:
    before = head(client)
    items = client.post("/api/v1/writs/batch", json={"envelopes": [court.envelope() for _ in range(7)]},
                        headers=court.headers).json()["items"]
    after = head(client)
    assert after["tree_size"] == before["tree_size"] + 7
    root = bytes.fromhex(after["root_hash"])
    for item in items:
        index = item["leaf_index"]
        leaf = base64.b64decode(client.get(f"/api/v1/log/leaves/{index}").json()["leaf_data"])
        proof = client.get("/api/v1/log/proofs/inclusion",
                           params={"leaf_index": index, "tree_size": after["tree_size"]}).json()
        assert proof["leaf_hash"] == merkle.leaf_hash(leaf).hex()
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        assert merkle.verify_inclusion(merkle.leaf_hash(leaf), index, after["tree_size"], path, root)
        assert not merkle.verify_inclusion(merkle.leaf_hash(leaf + b" "), index, after["tree_size"], path, root)
    if before["tree_size"]:
        proof = client.get("/api/v1/log/proofs/consistency",
                           params={"first": before["tree_size"], "second": after["tree_size"]}).json()
        assert merkle.verify_consistency(before["tree_size"], after["tree_size"], bytes.fromhex(before["root_hash"]),
                                         root, [bytes.fromhex(h) for h in proof["proof"]])


def test_proof_requests_out_of_range_are_problems(client: TestClient) -> None:
    size = head(client)["tree_size"]
    response = client.get("/api/v1/log/proofs/inclusion", params={"leaf_index": size + 5, "tree_size": size + 10})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["rule"] == "log.tree_size.beyond_head"
    # A leaf that exists, in a tree the log has not reached: the same problem, not a storage error.
    for tree_size in (size + 1, 2 * size + 10):
        response = client.get("/api/v1/log/proofs/inclusion", params={"leaf_index": 0, "tree_size": tree_size})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["rule"] == "log.tree_size.beyond_head"
    response = client.get("/api/v1/log/proofs/consistency", params={"first": 0, "second": 1})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "first"
    assert client.get(f"/api/v1/log/leaves/{size + 100}").status_code == 404


def test_verification_has_no_personal_data(client: TestClient, court: Issuer) -> None:
    document = court.document()
    envelope = court.envelope()
    number = client.post("/api/v1/writs", json=envelope, headers=court.headers).json()["register_number"]
    body = client.get(f"/api/v1/writs/{number}/verification").text
    for personal in ("Иванова", "500100732259", "112-233-445 95", "Льва Толстого", "1980-05-17"):
        assert personal not in body
    assert document["issuer"]["code"] in body


def test_verify_page_in_russian_and_english(client: TestClient, court: Issuer) -> None:
    number = client.post("/api/v1/writs", json=court.envelope(), headers=court.headers).json()["register_number"]
    ru = client.get(f"/verify/{number}")
    assert ru.status_code == 200 and "Документ зарегистрирован в реестре" in ru.text and 'lang="ru"' in ru.text
    en = client.get(f"/verify/{number}?lang=en")
    assert "The writ is in the register" in en.text
    assert "The writ is in the register" in client.get(f"/verify/{number}").text  # the choice is remembered
    missing = client.get("/verify/RU-2026-999999999?lang=ru")
    assert missing.status_code == 404 and "не найден" in missing.text
    assert client.get("/verify", params={"number": number}, follow_redirects=False).headers["location"] == f"/verify/{number}"
    assert "Бейлиф" in client.get("/").text
