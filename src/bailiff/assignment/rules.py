"""The verifiable draw of a bailiff: pure functions anyone can re-implement from the published form.

1. Commit: the eligible bailiffs (sorted by `bailiff_id` as strings) with integer weights, and the
   beacon round to be used, are appended to the transparency log before that round exists.
2. Draw: seed = the round's 32 bytes; for ctr = 0, 1, ...:
   x = int(SHA-256(b"bailiff/assign/v1" 0x00 seed proceeding_number_utf8 0x00 ctr_be32));
   accept the first x < 2**256 - (2**256 % W) (rejection sampling: no modulo bias), r = x % W;
   the winner is the first bailiff in order whose cumulative weight exceeds r.
3. The result (round, ctr, r, winner) is appended to the log as well.

No Session and no web here: the service, the CLI auditor and the tests all call these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DOMAIN = b"bailiff/assign/v1"
SPACE = 2**256
MAX_ATTEMPTS = 1 << 32  # ctr is four bytes; with W < 2**255 a draw needs more than 64 tries with p < 2**-64


class DrawError(ValueError):
    """The committed list cannot be drawn from (no one eligible, or a bad weight)."""


@dataclass(frozen=True)
class Eligible:
    """A bailiff in a committed list and the integer weight of their spare capacity."""

    bailiff_id: str
    weight: int


@dataclass(frozen=True)
class DrawResult:
    """What a draw chose, and the counter and residue that show how."""

    bailiff_id: str
    ctr: int
    r: int
    total_weight: int


def ordered(eligible: Sequence[Eligible]) -> list[Eligible]:
    """The committed order: by bailiff_id compared as strings; ids are unique, weights positive."""
    ids = [e.bailiff_id for e in eligible]
    if len(set(ids)) != len(ids):
        raise DrawError("a bailiff appears twice in the eligible list")
    for e in eligible:
        if not isinstance(e.weight, int) or isinstance(e.weight, bool) or e.weight <= 0:
            raise DrawError(f"bailiff {e.bailiff_id}: the weight must be a positive integer, not {e.weight!r}")
    return sorted(eligible, key=lambda e: e.bailiff_id)


def draw(*, seed: bytes, proceeding_number: str, eligible: Sequence[Eligible]) -> DrawResult:
    """Choose one bailiff from the committed list with the beacon round's randomness."""
    if len(seed) != 32:
        raise DrawError(f"the seed must be 32 bytes, not {len(seed)}")
    members = ordered(eligible)
    if not members:
        raise DrawError("no bailiff is eligible")
    total = sum(e.weight for e in members)
    limit = SPACE - (SPACE % total)
    prefix = DOMAIN + b"\x00" + seed + proceeding_number.encode("utf-8") + b"\x00"
    for ctr in range(MAX_ATTEMPTS):
        x = int.from_bytes(hashlib.sha256(prefix + ctr.to_bytes(4, "big")).digest(), "big")
        if x < limit:
            r = x % total
            cumulative = 0
            for member in members:
                cumulative += member.weight
                if cumulative > r:
                    return DrawResult(member.bailiff_id, ctr, r, total)
    raise DrawError("no counter value was accepted")  # unreachable for any weight below 2**255


def commit_leaf(*, proceeding_number: str, eligible: Sequence[Eligible], beacon: str, round_: int,
                reason: str, anchor: bytes, anchor_leaf: int, excluded: Sequence[str] = (),
                at: int | None = None) -> dict[str, Any]:
    """The log leaf that fixes the eligible list and the future round before the draw.

    It names the beacon chain by its full anchor and the leaf that logged it, so that no other chain
    (a second anchor under the same label, say) can be substituted after the commitment.
    """
    return {"v": 1, "event": "assignment.committed", "proceeding": proceeding_number,
            "eligible": [{"bailiff_id": e.bailiff_id, "weight": e.weight} for e in ordered(eligible)],
            "beacon": beacon, "beacon_anchor": anchor.hex(), "beacon_anchor_leaf": anchor_leaf,
            "round": round_, "reason": reason, "excluded": sorted(excluded),
            **({"at": at} if at is not None else {})}  # milliseconds; a drand round must be published later


def result_leaf(*, proceeding_number: str, commit_leaf_index: int, round_: int, randomness: bytes,
                result: DrawResult) -> dict[str, Any]:
    """The log leaf that records the outcome of a draw."""
    return {"v": 1, "event": "assignment.drawn", "proceeding": proceeding_number,
            "commit_leaf": commit_leaf_index, "round": round_, "randomness": randomness.hex(),
            "ctr": result.ctr, "r": result.r, "bailiff_id": result.bailiff_id}


def eligible_from_leaf(leaf: Mapping[str, Any]) -> list[Eligible]:
    """The eligible list as committed in a leaf."""
    return [Eligible(str(item["bailiff_id"]), int(item["weight"])) for item in leaf["eligible"]]


def spare_capacity(*, capacity: int, open_cases: int) -> int:
    """A bailiff's weight: cases they can still take (0 = full, not eligible)."""
    return max(capacity - open_cases, 0)
