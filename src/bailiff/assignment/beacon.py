"""Randomness beacons: where the seed of every draw comes from. Never a plain local random number.

`RandomnessBeacon` is the interface. The embedded default, `LocalChainBeacon`, serves the rounds of a
reverse hash chain: a secret v_N is hashed N times, v_(i-1) = SHA-256(v_i), and the anchor v_0 is
appended to the transparency log before any round is used. Round i's value is v_i; anyone checks
it by hashing it i times back to the logged anchor. Revealing a round appends it to the log too, so
the log's order proves that a draw's commitment came before its round existed.

What a hash chain cannot prevent: its operator knows the future values. It cannot change them (the
anchor fixes the chain), and rounds are used strictly in order, every revealed round by at least
one commitment, so skipping an unwelcome round would show in the log. A drand network (League of
Entropy) removes even that trust: `bailiff.assignment.drand.DrandStore` is the production beacon.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Protocol

CHAIN_LENGTH = 1 << 16  # rounds per chain (~50 ms to build); a new chain and anchor follow when one is used up
CHECKPOINT_EVERY = 1024


class BeaconError(RuntimeError):
    """The beacon cannot serve a round (unknown chain, missing secret, round out of range)."""


def chain_hash(value: bytes, times: int) -> bytes:
    """SHA-256 applied `times` times."""
    for _ in range(times):
        value = hashlib.sha256(value).digest()
    return value


def verify_chain_round(*, anchor: bytes, round_: int, value: bytes) -> bool:
    """Whether `value` is round `round_` of the chain anchored at `anchor` (hash it back `round_` times)."""
    return len(value) == 32 and round_ >= 1 and chain_hash(value, round_) == anchor


class RandomnessBeacon(Protocol):
    """A source of public randomness in numbered rounds."""

    def source(self) -> str:
        """A stable name of the source (and chain) that rounds are numbered in."""
        ...

    def value(self, round_: int) -> bytes:
        """The 32-byte randomness of a round (only once the caller may publish it)."""
        ...


class HashChain:
    """One reverse hash chain: its secret stays in the data directory, its anchor goes to the log."""

    def __init__(self, secret: bytes, length: int = CHAIN_LENGTH) -> None:
        if len(secret) != 32 or length < 1:
            raise BeaconError("a chain needs a 32-byte secret and at least one round")
        self.length = length
        # Checkpoints every CHECKPOINT_EVERY rounds: any round is then at most that many hashes away.
        self._checkpoints: dict[int, bytes] = {}
        value = secret
        for index in range(length, -1, -1):
            if index % CHECKPOINT_EVERY == 0 or index == length:
                self._checkpoints[index] = value
            if index:
                value = hashlib.sha256(value).digest()
        self.anchor = self._checkpoints[0]

    def value(self, round_: int) -> bytes:
        """v_round, computed from the nearest checkpoint above it."""
        if not 1 <= round_ <= self.length:
            raise BeaconError(f"round {round_} is outside this chain's 1..{self.length}")
        above = min(self.length, -(-round_ // CHECKPOINT_EVERY) * CHECKPOINT_EVERY)
        return chain_hash(self._checkpoints[above], above - round_)

    @property
    def source(self) -> str:
        """`local-chain:` and the first 16 hex digits of the anchor."""
        return f"local-chain:{self.anchor.hex()[:16]}"


class ChainStore:
    """Chain secrets in `<data_dir>/beacon/`, one file per chain, readable by the owner only."""

    fetches_rounds = False  # a round is computed here at once: there is nothing to fetch before the log lock

    def __init__(self, folder: Path, length: int = CHAIN_LENGTH) -> None:
        self.folder = folder
        self.length = length
        self._loaded: dict[str, HashChain] = {}

    def create(self) -> HashChain:
        """A new chain with a fresh secret from the operating system's CSPRNG, saved before use."""
        chain = HashChain(secrets.token_bytes(32), self.length)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{chain.anchor.hex()}.secret"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(self._secret_of(chain))
            handle.flush()
            os.fsync(handle.fileno())
        self._loaded[chain.anchor.hex()] = chain
        return chain

    def load(self, anchor: bytes) -> HashChain:
        """The chain with this anchor (its secret must be in the folder)."""
        key = anchor.hex()
        if key not in self._loaded:
            path = self.folder / f"{key}.secret"
            if not path.exists():
                raise BeaconError(f"the secret of beacon chain {key[:16]} is not in {self.folder}")
            chain = HashChain(path.read_bytes(), self.length)
            if chain.anchor != anchor:
                raise BeaconError(f"{path.name} does not hash to its anchor")
            self._loaded[key] = chain
        return self._loaded[key]

    # The beacon interface the assignment service uses (`DrandStore` has the same methods).

    def chain_of(self, anchor: bytes) -> HashChain:
        """The chain an anchor names."""
        return self.load(anchor)

    @staticmethod
    def serves(source: str) -> bool:
        """Whether rounds of this source come from here."""
        return source.startswith("local-chain:")

    def can_reveal(self, source: str) -> bool:
        """Whether this store can reveal rounds of the source (committed under any beacon)."""
        return self.serves(source)

    @staticmethod
    def anchor_event(chain: HashChain) -> dict[str, object]:
        """The log leaf that anchors a new chain before any of its rounds is used."""
        return {"v": 1, "event": "beacon.anchored", "beacon": chain.source, "anchor": chain.anchor.hex(),
                "length": chain.length, "hash": "SHA-256", "rule": "sha256(v_i) == v_(i-1)"}

    @staticmethod
    def next_round(last_revealed: int) -> int:
        """Rounds of a hash chain are used strictly in order."""
        return last_revealed + 1

    @staticmethod
    def ready_in(source: str, round_: int) -> float:
        """A chain's rounds can be revealed at once (after the commitment's transaction)."""
        return 0.0

    def reveal(self, source: str, anchor: bytes, round_: int) -> tuple[bytes, dict[str, object]]:
        """The round's value (nothing else goes into the reveal leaf)."""
        if not self.serves(source):
            raise BeaconError(f"rounds of {source} do not come from the local chain store")
        return self.load(anchor).value(round_), {}

    @staticmethod
    def _secret_of(chain: HashChain) -> bytes:
        return chain._checkpoints[chain.length]
