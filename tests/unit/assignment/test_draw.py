"""The draw, recomputed by an independent implementation written from the published form only."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from scipy.stats import chisquare

from bailiff.assignment.beacon import BeaconError, ChainStore, HashChain, chain_hash, verify_chain_round
from bailiff.assignment.rules import DrawError, Eligible, draw


def reference_draw(seed: bytes, number: str, weights: dict[str, int]) -> tuple[str, int, int]:
    """The issue's text, transcribed: sort by id as strings, rejection-sample, cumulative weights."""
    people = sorted(weights.items())
    total = sum(w for _, w in people)
    ctr = 0
    while True:
        digest = hashlib.sha256(b"bailiff/assign/v1" + b"\x00" + seed + number.encode("utf-8") + b"\x00"
                                + ctr.to_bytes(4, "big")).digest()
        x = int.from_bytes(digest, "big")
        if x < 2**256 - (2**256 % total):
            r = x % total
            running = 0
            for who, weight in people:
                running += weight
                if running > r:
                    return who, ctr, r
        ctr += 1


def test_draw_agrees_with_the_reference_on_many_inputs() -> None:
    weights = {"77001-010": 3, "77001-002": 7, "77001-1": 1, "77001-003": 12}
    for i in range(500):
        seed = hashlib.sha256(f"seed {i}".encode()).digest()
        number = f"{i}/26/77001-ИП"
        got = draw(seed=seed, proceeding_number=number, eligible=[Eligible(k, v) for k, v in weights.items()])
        assert (got.bailiff_id, got.ctr, got.r) == reference_draw(seed, number, weights)


def test_the_order_is_by_id_as_strings_whatever_order_is_given() -> None:
    seed = bytes(range(32))
    forward = [Eligible("9", 1), Eligible("10", 1), Eligible("100", 5)]
    a = draw(seed=seed, proceeding_number="1/26/1-ИП", eligible=forward)
    b = draw(seed=seed, proceeding_number="1/26/1-ИП", eligible=list(reversed(forward)))
    assert a == b


def test_rejection_sampling_is_exercised() -> None:
    # W = 2**255 + 1 rejects almost half of all x: some counter above 0 must be reached.
    members = [Eligible("a", 2**254), Eligible("b", 2**254 + 1)]
    counters = {draw(seed=hashlib.sha256(bytes([i])).digest(), proceeding_number="n", eligible=members).ctr
                for i in range(64)}
    assert max(counters) > 0


def test_shares_follow_the_weights() -> None:
    weights = {"b1": 1, "b2": 2, "b3": 3, "b4": 10}
    members = [Eligible(k, v) for k, v in weights.items()]
    seed = hashlib.sha256(b"round").digest()
    counts = Counter(draw(seed=seed, proceeding_number=f"{i}/26/1-ИП", eligible=members).bailiff_id
                     for i in range(20_000))
    total = sum(weights.values())
    observed = [counts[k] for k in sorted(weights)]
    expected = [20_000 * weights[k] / total for k in sorted(weights)]
    assert chisquare(observed, expected).pvalue > 0.001


@pytest.mark.parametrize("members, rule", [([], "no bailiff"), ([Eligible("a", 0)], "positive"),
                                           ([Eligible("a", 1), Eligible("a", 2)], "twice")])
def test_bad_lists_are_refused(members: list[Eligible], rule: str) -> None:
    with pytest.raises(DrawError, match=rule):
        draw(seed=bytes(32), proceeding_number="n", eligible=members)


def test_hash_chain_rounds_hash_back_to_the_anchor() -> None:
    chain = HashChain(hashlib.sha256(b"secret").digest(), length=3000)
    for round_ in (1, 2, 1023, 1024, 1025, 2999, 3000):
        value = chain.value(round_)
        assert hashlib.sha256(value).digest() == (chain.anchor if round_ == 1 else chain.value(round_ - 1))
        assert verify_chain_round(anchor=chain.anchor, round_=round_, value=value)
        assert not verify_chain_round(anchor=chain.anchor, round_=round_ + 1, value=value)
    assert chain_hash(hashlib.sha256(b"secret").digest(), 3000) == chain.anchor
    with pytest.raises(BeaconError):
        chain.value(3001)


def test_chain_store_keeps_secrets_private_and_checks_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = ChainStore(tmp_path, length=50)
    chain = store.create()
    secret = next(tmp_path.iterdir())
    assert secret.stat().st_mode & 0o077 == 0
    assert ChainStore(tmp_path, length=50).load(chain.anchor).value(7) == chain.value(7)
    with pytest.raises(BeaconError, match="not in"):
        ChainStore(tmp_path / "elsewhere", length=50).load(chain.anchor)
    assert len(chain.anchor) == 32


def test_the_deployments_local_store_is_kept_with_the_chains_it_loaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bailiff.assignment.beacons import beacon_store
    from bailiff.config import Settings

    settings = Settings(data_dir=tmp_path, database_url="sqlite://")
    store = beacon_store(settings)
    chain = store.create()
    again = beacon_store(Settings(data_dir=tmp_path, database_url="sqlite://"))
    # The same store, so the chain is not hashed again for every batch (65,536 rounds, ~50 ms).
    assert again is store and again.load(chain.anchor) is chain
    assert beacon_store(Settings(data_dir=tmp_path / "other", database_url="sqlite://")) is not store
