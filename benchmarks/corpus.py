"""The signed corpus: writs generated and signed once, before any timing starts.

Generation and signing cost about as much CPU as the server spends registering a writ, so they
run up front in a pool of processes and are never part of an intake figure. Each batch of 1,000
envelopes is written to its own file as the exact request body (`{"envelopes": [...]}`), so the
posting phase only reads bytes and sends them. One corpus serves every backend: each run uses a
fresh database, so the register has never seen a document before.
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from bailiff.core.clock import utcnow
from bailiff.core.crypto import SigningKey, sign_envelope
from bailiff.demo.generator import DebtorPool, DemoIssuer, make_writ

BATCH = 1000
# A fixed issuer that every benchmark database registers before the server starts.
ISSUER = DemoIssuer(code="MS-77-0999", name="Мировой судья судебного участка № 999 района Хамовники г. Москвы",
                    region="77")
SEED = 20260509

_worker_key: SigningKey | None = None


@dataclass(frozen=True)
class Corpus:
    """Batch files of signed envelopes; batch i holds the writs numbered i*BATCH .. (i+1)*BATCH-1."""

    directory: Path
    batches: int
    key: SigningKey
    today: date
    seconds: float
    processes: int

    def path(self, index: int) -> Path:
        return self.directory / f"batch-{index:05d}.json"

    def body(self, index: int) -> bytes:
        """The request body of batch `index`, exactly as it is posted."""
        return self.path(index).read_bytes()

    def envelopes(self, index: int) -> list[dict[str, Any]]:
        """The envelopes of batch `index` as JSON values."""
        return orjson.loads(self.body(index))["envelopes"]


def _init_worker(key_pem: bytes) -> None:
    global _worker_key
    from cryptography.hazmat.primitives import serialization

    _worker_key = SigningKey(serialization.load_pem_private_key(key_pem, password=None))  # type: ignore[arg-type]


def _make_batch(index: int, today_iso: str, directory: str) -> int:
    """Generate and sign one batch in a pool process; returns the bytes written."""
    assert _worker_key is not None
    # A seed per batch keeps the corpus reproducible whatever the pool's scheduling.
    rng = random.Random(SEED * 100_003 + index)
    today = date.fromisoformat(today_iso)
    pool = DebtorPool()
    envelopes = [sign_envelope(make_writ(rng, ISSUER, seq, today, pool), _worker_key)
                 for seq in range(index * BATCH, (index + 1) * BATCH)]
    body = orjson.dumps({"envelopes": envelopes})
    path = Path(directory) / f"batch-{index:05d}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(body)
    tmp.replace(path)
    return len(body)


def build(directory: Path, batches: int, *, log: Any) -> Corpus:
    """Generate and sign `batches` * BATCH writs of ISSUER with a fresh key, in parallel."""
    directory.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    today = utcnow().date()
    processes = max(1, os.cpu_count() or 1)
    started = time.perf_counter()
    written = 0
    with ProcessPoolExecutor(processes, initializer=_init_worker, initargs=(key.private_pem(),)) as pool:
        futures = [pool.submit(_make_batch, i, today.isoformat(), str(directory)) for i in range(batches)]
        for done, future in enumerate(futures, start=1):
            written += future.result()
            if done % 10 == 0 or done == batches:
                log(f"corpus: {done}/{batches} batches signed ({written / 1e6:.0f} MB)")
    return Corpus(directory, batches, key, today, time.perf_counter() - started, processes)
