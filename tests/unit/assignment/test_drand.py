"""The drand verifier against rounds the League of Entropy's quicknet actually published
(https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/2 and /3)."""

from __future__ import annotations

import hashlib

from bailiff.assignment.drand import QUICKNET, randomness, verify_round

ROUND_2 = bytes.fromhex("b6b6a585449b66eb12e875b64fcbab3799861a00e4dbf092d99e969a5eac57dd3f798acf61e705fe4f093db926626807")
ROUND_3 = bytes.fromhex("b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64")


def test_published_quicknet_rounds_verify_against_the_pinned_key() -> None:
    assert verify_round(public_key=QUICKNET.public_key, round_=2, signature=ROUND_2)
    assert verify_round(public_key=QUICKNET.public_key, round_=3, signature=ROUND_3)
    assert randomness(ROUND_3) == hashlib.sha256(ROUND_3).digest()


def test_a_signature_of_another_round_or_altered_bytes_does_not_verify() -> None:
    assert not verify_round(public_key=QUICKNET.public_key, round_=2, signature=ROUND_3)
    altered = bytes([ROUND_3[0]]) + bytes([ROUND_3[1] ^ 1]) + ROUND_3[2:]
    assert not verify_round(public_key=QUICKNET.public_key, round_=3, signature=altered)
    assert not verify_round(public_key=QUICKNET.public_key, round_=3, signature=ROUND_3[:-1])


def test_rounds_follow_the_clock() -> None:
    assert QUICKNET.round_at(QUICKNET.genesis - 1) == 0
    assert QUICKNET.round_at(QUICKNET.genesis) == 1
    assert QUICKNET.time_of(QUICKNET.round_at(QUICKNET.genesis + 299)) == QUICKNET.genesis + 297


def test_a_signature_moved_off_the_subgroup_is_refused() -> None:
    """A published signature plus a point of order 3 still satisfies the pairing equation, but its
    hash (the randomness) differs: a relay could pick among such variants. It must not verify."""
    from py_ecc.bls.g2_primitives import G1_to_pubkey
    from py_ecc.bls.point_compression import decompress_G1
    from py_ecc.bls.typing import G1Compressed
    from py_ecc.optimized_bls12_381 import FQ, add, curve_order, field_modulus, is_inf, multiply

    cofactor = 0x396C8C005555E1568C00AAAB0000AAAB  # of G1 on BLS12-381
    x = 5
    while pow((x**3 + 4) % field_modulus, (field_modulus - 1) // 2, field_modulus) != 1:
        x += 1
    y = pow((x**3 + 4) % field_modulus, (field_modulus + 1) // 4, field_modulus)
    small = multiply((FQ(x), FQ(y), FQ(1)), cofactor * curve_order // 3)
    assert not is_inf(small) and is_inf(multiply(small, 3))
    forged = G1_to_pubkey(add(decompress_G1(G1Compressed(int.from_bytes(ROUND_3, "big"))), small))
    assert forged != ROUND_3 and randomness(forged) != randomness(ROUND_3)
    assert not verify_round(public_key=QUICKNET.public_key, round_=3, signature=forged)
