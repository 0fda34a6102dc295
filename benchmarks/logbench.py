"""The transparency log on its own: append cost and inclusion-proof time as the tree grows.

Uses bailiff.core.translog directly on a real database session (no HTTP, no register), on a
fresh database per backend. Leaves are appended in transactions of LEAVES_PER_TXN, each taking the
log lock exactly as the register does; leaf bytes are made before the clock starts.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence
from typing import Any

import orjson

from bailiff.core import translog
from bailiff.core.db import Database
from benchmarks.common import log, summary

LEAVES_PER_TXN = 1000
# Append cost at a size is taken over the transactions appended just before reaching it.
WINDOW_TXNS = 10
PROOF_SAMPLES = 1000
# Sampling stops after this long (the sample size is reported): where a proof is slow, a
# thousand of them would take most of the suite's time budget.
PROOF_SECONDS = 5.0
WARMUP_PROOFS = 20


def _leaves(start: int, count: int) -> list[bytes]:
    """Leaves shaped like the register's `writ.registered` events (about 330 bytes each)."""
    out = []
    for i in range(start, start + count):
        out.append(orjson.dumps({
            "at": 1_778_300_000_000 + i, "document_hash": hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
            "duplicate_seq": 0, "event": "writ.registered", "issuer": "MS-77-0999", "number": f"2-{i:07d}/2026",
            "original": None, "register_number": f"RU-2026-{i + 1:09d}", "status": "registered", "v": 1,
        }, option=orjson.OPT_SORT_KEYS))
    return out


def run(database_url: str, sizes: Sequence[int], *, seed: int = 11) -> dict[str, Any]:
    """Grow one log to each size in turn; measure appends before it and proofs at it."""
    database = Database(database_url)
    rng = random.Random(seed)
    results: dict[str, Any] = {"leaves_per_transaction": LEAVES_PER_TXN,
                               "append_window": f"the last {WINDOW_TXNS} transactions before the size",
                               "sizes": {}}
    size = 0
    try:
        for target in sizes:
            txn_us: list[float] = []
            call_us: list[float] = []
            fill_started = time.perf_counter()
            filled_from = size
            while size < target:
                count = min(LEAVES_PER_TXN, target - size)
                leaves = _leaves(size, count)
                t0 = time.perf_counter()
                with database.transaction() as session:
                    locked_size = translog.lock(session)
                    t1 = time.perf_counter()
                    translog.append(session, leaves, tree_size=locked_size)
                    t2 = time.perf_counter()
                t3 = time.perf_counter()  # after commit
                if locked_size != size:
                    raise RuntimeError(f"log is at {locked_size}, expected {size}: the database is not fresh")
                size += count
                if target - size < WINDOW_TXNS * LEAVES_PER_TXN:
                    txn_us.append((t3 - t0) / count * 1e6)
                    call_us.append((t2 - t1) / count * 1e6)
                if size % 50_000 == 0:
                    log(f"  log: {size} leaves")
            fill_s = time.perf_counter() - fill_started
            proofs = _inclusion(database, size, rng)
            results["sizes"][str(target)] = {
                # Lock + append + commit, per leaf: what one leaf costs a writer.
                "append_transaction_us_per_leaf": summary(txn_us, 2),
                # translog.append alone: hashing, new nodes, inserts (no lock, no commit).
                "append_call_us_per_leaf": summary(call_us, 2),
                "fill_leaves_per_s": round((size - filled_from) / fill_s, 1),
                "inclusion_us": proofs,
            }
            log(f"  log at {size}: append p50 {summary(txn_us)['p50']} us/leaf, "
                f"inclusion p50 {proofs['p50']} us")
    finally:
        database.dispose()
    return results


def _inclusion(database: Database, tree_size: int, rng: random.Random) -> dict[str, Any]:
    """Server time of an inclusion proof for random leaves: `Database.read_plain` of translog.inclusion,
    as a request to /api/v1/log/proofs/inclusion runs it (without HTTP)."""
    samples: list[float] = []
    def proof(leaf_index: int) -> None:
        database.read_plain(lambda connection: translog.inclusion(connection, leaf_index=leaf_index,
                                                                  tree_size=tree_size))

    for _ in range(WARMUP_PROOFS):
        proof(rng.randrange(tree_size))
    deadline = time.perf_counter() + PROOF_SECONDS
    for _ in range(PROOF_SAMPLES):
        if time.perf_counter() > deadline:
            break
        leaf_index = rng.randrange(tree_size)
        t0 = time.perf_counter()
        proof(leaf_index)
        samples.append((time.perf_counter() - t0) * 1e6)
    return summary(samples, 1)
