"""The production randomness beacon: a drand network (the League of Entropy's `quicknet` by default).

drand publishes, every `period` seconds, a threshold BLS signature over the round number; nobody,
the service included, knows a round's value before the network signs it. In the unchained scheme
`bls-unchained-g1-rfc9380` the message is SHA-256(round as 8 big-endian bytes), the signature is a
point of G1 (48 bytes compressed) hashed to the curve with RFC 9380's
`BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`, the group's public key is a point of G2 (96 bytes), and
the round's randomness is SHA-256(signature). Every round fetched is verified against the pinned
public key before it is used or logged: a relay cannot feed a value of its choosing.

The BLS arithmetic is py_ecc's (the Ethereum Foundation's pure-Python BLS12-381). A verification
takes about a third of a second; one round serves every draw committed to it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import httpx
from py_ecc.bls.g2_primitives import subgroup_check
from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.bls.point_compression import decompress_G1, decompress_G2
from py_ecc.bls.typing import G1Compressed, G2Compressed
from py_ecc.optimized_bls12_381 import FQ12, G2, final_exponentiate, is_inf, neg, pairing

from bailiff.assignment.beacon import BeaconError, ChainStore

SCHEME = "bls-unchained-g1-rfc9380"
DST = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"

# The League of Entropy's quicknet (mainnet since 2023-08-23), as its /info endpoint publishes it.
QUICKNET_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_KEY = ("83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064"
                "510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a")
QUICKNET_GENESIS = 1692803367
QUICKNET_PERIOD = 3


def round_message(round_: int) -> bytes:
    """What the network signs for a round (unchained: the round number alone)."""
    return hashlib.sha256(round_.to_bytes(8, "big")).digest()


def verify_round(*, public_key: bytes, round_: int, signature: bytes) -> bool:
    """Whether `signature` is the group's BLS signature of `round_` (e(sig, g2) == e(H(m), pk))."""
    if len(public_key) != 96 or len(signature) != 48:
        return False
    try:
        sig = decompress_G1(G1Compressed(int.from_bytes(signature, "big")))
        key = decompress_G2(G2Compressed((int.from_bytes(public_key[:48], "big"),
                                          int.from_bytes(public_key[48:], "big"))))
    except (ValueError, AssertionError):
        return False
    # Decompression checks only that the point is on the curve. A signature plus a point of small
    # order passes the pairing equation but hashes to other randomness: whoever supplied it could
    # choose among variants. Only points of the prime-order subgroup are signatures.
    if is_inf(sig) or not subgroup_check(sig) or not subgroup_check(key):
        return False
    hashed = hash_to_G1(round_message(round_), DST, hashlib.sha256)
    product = pairing(G2, sig, final_exponentiate=False) * pairing(key, neg(hashed), final_exponentiate=False)
    return final_exponentiate(product) == FQ12.one()


def randomness(signature: bytes) -> bytes:
    """A round's 32 bytes of randomness."""
    return hashlib.sha256(signature).digest()


@dataclass(frozen=True)
class DrandChain:
    """A drand chain as pinned in the settings (never trusted from the relay's /info)."""

    chain_hash: str
    public_key: bytes
    genesis: int
    period: int
    length: int = 1 << 62  # rounds never run out

    @property
    def source(self) -> str:
        return f"drand:{self.chain_hash}"

    @property
    def anchor(self) -> bytes:
        return bytes.fromhex(self.chain_hash)

    def round_at(self, unix: float) -> int:
        """The latest round published at `unix` (0 before genesis)."""
        return 0 if unix < self.genesis else int((unix - self.genesis) // self.period) + 1

    def time_of(self, round_: int) -> int:
        """When a round is published."""
        return self.genesis + (round_ - 1) * self.period


QUICKNET = DrandChain(QUICKNET_HASH, bytes.fromhex(QUICKNET_KEY), QUICKNET_GENESIS, QUICKNET_PERIOD)


class DrandStore:
    """The beacon of a deployment that uses drand; rounds of local chains committed earlier are still
    revealed from the local store, so switching beacons never strands a commitment."""

    fetches_rounds = True  # from the relay: fetched (and verified) before the log lock is taken

    def __init__(self, relay: str, chain: DrandChain, local: ChainStore, *, timeout: float = 10.0,
                 margin: float = 10.0, clock: Any = time.time) -> None:
        self.relay, self.chain, self.local = relay.rstrip("/"), chain, local
        # Seconds between a commitment and its round: the commitment's transaction must be durable
        # before the network publishes the round, however long the batch takes or the clocks differ.
        self.timeout, self.margin, self.clock = timeout, margin, clock

    def serves(self, source: str) -> bool:
        return source == self.chain.source

    def can_reveal(self, source: str) -> bool:
        return self.serves(source) or self.local.serves(source)

    def create(self) -> DrandChain:
        return self.chain

    def chain_of(self, anchor: bytes) -> DrandChain:
        if anchor != self.chain.anchor:
            raise BeaconError(f"drand chain {anchor.hex()[:16]} is not the pinned {self.chain.chain_hash[:16]}")
        return self.chain

    def anchor_event(self, chain: DrandChain) -> dict[str, Any]:
        return {"v": 1, "event": "beacon.anchored", "beacon": chain.source, "anchor": chain.chain_hash,
                "scheme": SCHEME, "public_key": chain.public_key.hex(), "genesis_time": chain.genesis,
                "period": chain.period, "rule": "randomness = SHA-256(BLS signature of SHA-256(round_be64))"}

    def next_round(self, last_revealed: int) -> int:
        """A round not published yet: the first one after now + the margin (and after every round used)."""
        return max(last_revealed, self.chain.round_at(self.clock() + self.margin)) + 1

    def ready_in(self, source: str, round_: int) -> float:
        """Seconds until the round is published (0 when it is)."""
        if not self.serves(source):
            return 0.0
        return max(0.0, self.chain.time_of(round_) - self.clock())

    def reveal(self, source: str, anchor: bytes, round_: int) -> tuple[bytes, dict[str, Any]]:
        """The round's randomness, fetched from the relay and verified; with the signature for the log."""
        if not self.serves(source):
            return self.local.reveal(source, anchor, round_)
        url = f"{self.relay}/{self.chain.chain_hash}/public/{round_}"
        try:
            response = httpx.get(url, timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
            signature = bytes.fromhex(body["signature"])
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise BeaconError(f"drand round {round_} is not available from {self.relay}: {exc}") from exc
        if int(body.get("round", -1)) != round_ or not verify_round(public_key=self.chain.public_key, round_=round_,
                                                                   signature=signature):
            raise BeaconError(f"drand round {round_} from {self.relay} does not verify against the pinned key")
        return randomness(signature), {"signature": signature.hex(), "scheme": SCHEME}
