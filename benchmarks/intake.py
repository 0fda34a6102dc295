"""HTTP figures against a running server: batch intake, single POSTs, inclusion proofs.

Each figure times only the requests it names. Request bodies are pre-serialised (signing is done
in benchmarks.corpus), and a batch's latency runs from just before the request is sent to the
full response being read; checking the response happens after the clock stops.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx
import orjson

from benchmarks.common import log, summary
from benchmarks.corpus import BATCH, Corpus

JSON = {"content-type": "application/json"}
# Stop a run that is clearly broken instead of posting a hundred failing batches.
MAX_FAILED_BATCHES = 3
# Proof requests stop after this long: on a register where a proof costs tens of milliseconds,
# a fixed count would eat the time budget; the sample size is reported with the figure.
PROOF_SECONDS = 10.0
# Single POSTs stop after this long for the same reason (a slow register makes each one slower).
SINGLES_SECONDS = 45.0


def post_batches(base_url: str, token: str, corpus: Corpus, indices: Sequence[int], *,
                 threads: int = 2) -> dict[str, Any]:
    """POST /api/v1/writs/batch for every batch in `indices` from `threads` client threads."""
    todo: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()
    for order, index in enumerate(indices):
        todo.put((order, index))
    records: list[dict[str, Any]] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client_loop() -> None:
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}", **JSON},
                          timeout=600) as client:
            while not stop.is_set():
                try:
                    order, index = todo.get_nowait()
                except queue.Empty:
                    return
                body = corpus.body(index)
                t0 = time.perf_counter()
                response = client.post("/api/v1/writs/batch", content=body)
                t1 = time.perf_counter()
                record = {"order": order, "t0": t0, "t1": t1, "status": response.status_code,
                          "accepted": 0, "rejected": 0, "replays": 0, "rules": {}}
                if response.status_code == 200:
                    payload = orjson.loads(response.content)
                    record["accepted"] = payload["accepted"]
                    record["rejected"] = payload["rejected"]
                    for item in payload["items"]:
                        if item["result"] == "accepted":
                            record["replays"] += bool(item["replay"])
                        else:
                            for error in item["errors"]:
                                record["rules"][error["rule"]] = record["rules"].get(error["rule"], 0) + 1
                with lock:
                    records.append(record)
                    if response.status_code != 200:
                        failures.append(f"batch {index}: HTTP {response.status_code} {response.text[:300]}")
                        if len(failures) >= MAX_FAILED_BATCHES:
                            stop.set()
                    if len(records) % 10 == 0:
                        log(f"  intake: {len(records)}/{len(indices)} batches")

    # Daemon threads, and the stop flag set on the way out: if the run is cancelled while the
    # main thread waits here, the clients stop after their current request and never block exit.
    workers = [threading.Thread(target=client_loop, name=f"client-{i}", daemon=True) for i in range(threads)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        stop.set()
    if failures:
        raise RuntimeError("batch intake failed: " + " | ".join(failures))
    return _batch_figures(records, threads)


def _batch_figures(records: list[dict[str, Any]], threads: int) -> dict[str, Any]:
    records.sort(key=lambda r: r["order"])
    wall = max(r["t1"] for r in records) - min(r["t0"] for r in records)
    accepted = sum(r["accepted"] for r in records)
    posted = len(records) * BATCH
    rules: dict[str, int] = {}
    for r in records:
        for rule, count in r["rules"].items():
            rules[rule] = rules.get(rule, 0) + count
    tenth = max(1, len(records) // 10)
    return {
        "batches": len(records),
        "batch_size": BATCH,
        "client_threads": threads,
        "writs_posted": posted,
        "writs_accepted": accepted,
        "writs_rejected": sum(r["rejected"] for r in records),
        "replays": sum(r["replays"] for r in records),
        "rejections_by_rule": rules,
        "posting_wall_s": round(wall, 3),
        # Only accepted writs count: a rejected writ costs less and must not inflate the figure.
        "writs_per_s": round(accepted / wall, 1),
        "batch_latency_ms": summary([(r["t1"] - r["t0"]) * 1000 for r in records], 1),
        "first_tenth": _tenth(records[:tenth]),
        "last_tenth": _tenth(records[-tenth:]),
    }


def _tenth(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Cost per writ over a slice of the run: wall time of the slice, and batch latency per writ."""
    wall = max(r["t1"] for r in records) - min(r["t0"] for r in records)
    writs = sum(r["accepted"] for r in records) or 1
    latencies = sorted((r["t1"] - r["t0"]) for r in records)
    return {"batches": len(records),
            "wall_us_per_writ": round(wall / writs * 1e6, 1),
            "median_batch_latency_us_per_writ": round(latencies[len(latencies) // 2] / BATCH * 1e6, 1)}


def post_singles(base_url: str, token: str, envelopes: list[dict[str, Any]]) -> dict[str, Any]:
    """POST /api/v1/writs one envelope at a time, sequentially, on one keep-alive connection.

    Stops early after SINGLES_SECONDS; the number actually sent is reported.
    """
    bodies = [orjson.dumps(e) for e in envelopes]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}", **JSON},
                      timeout=60) as client:
        started = time.perf_counter()
        for body in bodies:
            if time.perf_counter() - started > SINGLES_SECONDS:
                break
            t0 = time.perf_counter()
            response = client.post("/api/v1/writs", content=body)
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
        wall = time.perf_counter() - started
    return {"requests": len(latencies), "status_counts": statuses, "latency_ms": summary(latencies, 2),
            "sequential_writs_per_s": round(len(latencies) / wall, 1)}


def get_inclusion_proofs(base_url: str, requests: int, seed: int = 7) -> dict[str, Any]:
    """GET /api/v1/log/proofs/inclusion for random leaves of the current tree (public, no token).

    Up to `requests` sequential requests, stopping early after PROOF_SECONDS.
    """
    rng = random.Random(seed)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        tree_size = int(client.get("/api/v1/log/tree-head").json()["tree_size"])
        deadline = time.perf_counter() + PROOF_SECONDS
        for _ in range(requests):
            if time.perf_counter() > deadline:
                break
            params = {"leaf_index": rng.randrange(tree_size), "tree_size": tree_size}
            t0 = time.perf_counter()
            response = client.get("/api/v1/log/proofs/inclusion", params=params)
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
    return {"requests": len(latencies), "tree_size": tree_size, "status_counts": statuses,
            "latency_ms": summary(latencies, 3)}
