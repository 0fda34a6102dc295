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
