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


def test_the_fast_canonical_form_is_byte_for_byte_rfc_8785() -> None:
    import rfc8785
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bailiff.core.crypto import canonical_json

    scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60)
               | st.text() | st.floats(allow_nan=False, allow_infinity=False))
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=4), inner, max_size=4), max_leaves=20)

    @settings(max_examples=1000, deadline=None)
    @given(values)
    def same(value: object) -> None:
        try:
            expected = rfc8785.dumps(value)
        except Exception as exc:  # the reference refuses (a lone surrogate, an integer out of range)
            try:
                canonical_json(value)
            except Exception as ours:
                assert type(ours) is type(exc)
                return
            raise AssertionError(f"accepted what RFC 8785 refuses: {value!r}") from exc
        assert canonical_json(value) == expected

    same()
    # The cases that must take the reference path: key order by UTF-16 code units, floats, big integers.
    from bailiff.core.crypto import _plain

    # Keys that sort differently by UTF-16 code units (RFC 8785) and by code points: the reference path.
    keys = {"\ue000": 1, "\U0001f600": 2, "a": [2**53 - 1, "\u2028\x1f"]}
    assert not _plain(keys) and canonical_json(keys) == rfc8785.dumps(keys)
    assert canonical_json(keys).index("\U0001f600".encode()) < canonical_json(keys).index("\ue000".encode())
    assert not _plain({"a": 0.5}) and not _plain({"n": 2**53}) and _plain({"n": 2**53 - 1, "ключ": ["\x1f"]})


def _spki(raw_public: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw_public).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_ed25519_verifies_rfc_8032_test_1_and_refuses_malleated_forms() -> None:
    # RFC 8032 section 7.1, TEST 1 (empty message).
    public = _spki(bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
    signature = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    scheme = SCHEMES["Ed25519"]
    assert scheme.verify(public, signature, b"")
    # S + L (the group order) is the same point arithmetic but a second encoding: RFC 8032 5.1.7 refuses S >= L.
    order = 2**252 + 27742317777372353535851937790883648493
    s_plus_l = (int.from_bytes(signature[32:], "little") + order).to_bytes(32, "little")
    assert not scheme.verify(public, signature[:32] + s_plus_l, b"")
    # The verifier is handed signature || message: a signature of another length must not shift it.
    assert not scheme.verify(public, signature[:63], signature[63:])
    assert not scheme.verify(public, signature + b"\x00", b"")
    assert not scheme.verify(b"not a key", signature, b"")
    # Any bytes-like value is taken as its bytes (libsodium's binding refuses a bytearray).
    assert scheme.verify(public, bytearray(signature), bytearray())
    assert scheme.verify(public, memoryview(signature), b"")


def test_ed25519_refuses_a_small_order_key_that_would_accept_any_message() -> None:
    # A = R = the neutral element and S = 0 satisfy [S]B = R + [k]A for every message under a lax,
    # cofactorless check; the strict check refuses keys and commitments of small order.
    identity = (1).to_bytes(32, "little")
    assert not SCHEMES["Ed25519"].verify(_spki(identity), identity + bytes(32), b"any writ at all")


def test_non_ed25519_keys_are_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    p256 = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert not SCHEMES["Ed25519"].verify(p256, bytes(64), b"x")
    with pytest.raises(ValueError):
        SCHEMES["Ed25519"].check_public_key(p256)


def test_a_small_order_key_is_never_registered() -> None:
    with pytest.raises(ValueError, match="small order"):
        SCHEMES["Ed25519"].check_public_key(_spki((1).to_bytes(32, "little")))
    SCHEMES["Ed25519"].check_public_key(SigningKey.generate().public_der)
