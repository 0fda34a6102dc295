"""Canonical form and signatures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bailiff.core.crypto import SCHEMES, SigningKey, canonical_json, document_hash, key_id, sign_envelope, b64decode


def test_rfc8785_canonical_form_orders_keys_and_normalises_numbers() -> None:
    # RFC 8785 §3.2.3 sorts by UTF-16 code units and §3.2.2.3 writes numbers as ECMAScript does.
    assert canonical_json({"b": 1, "a": [1.0, 1e21, "é"], "€": True, "\u0080": None}) == (
        '{"a":[1,1e+21,"é"],"b":1,"\u0080":null,"€":true}'.encode())


def test_hash_does_not_depend_on_key_order_or_spacing() -> None:
    assert document_hash({"a": 1, "b": {"c": 2, "d": 3}}) == document_hash({"b": {"d": 3, "c": 2}, "a": 1})


def test_envelope_signature_verifies_and_detects_changes() -> None:
    key = SigningKey.generate()
    envelope = sign_envelope({"number": "2-1/2026", "amount": "10.00"}, key)
    scheme = SCHEMES["Ed25519"]
    signature = b64decode(envelope["signature"]["value"])
    assert envelope["signature"]["key_id"] == key_id(key.public_der)
    assert scheme.verify(key.public_der, signature, canonical_json(envelope["document"]))
    assert not scheme.verify(key.public_der, signature, canonical_json({"number": "2-1/2026", "amount": "10.01"}))
    assert not scheme.verify(SigningKey.generate().public_der, signature, canonical_json(envelope["document"]))


def test_key_files_round_trip(tmp_path: Path) -> None:
    key = SigningKey.generate()
    key.write_pair(tmp_path)
    assert SigningKey.load(tmp_path / "private.pem").key_id == key.key_id
    assert (tmp_path / "private.pem").stat().st_mode & 0o777 == 0o600
    created = SigningKey.load_or_create(tmp_path / "service" / "key.pem")
    assert SigningKey.load_or_create(tmp_path / "service" / "key.pem").key_id == created.key_id


def test_strict_base64() -> None:
    with pytest.raises(ValueError):
        b64decode("not base64!")
