"""`python -m benchmarks.identity`: debtor identification — accuracy on ground truth, online
resolution speed against a growing registry, and whole-registry deduplication time and memory.

- accuracy: generated people with namesakes (bailiff.demo.people), one writ per mention through
  the real intake and the real resolver (outbox batches); scored against the truth.
- online: a registry of N persons is bulk-loaded (normalised exactly as the resolver stores
  them), then 5,000 new writs mentioning those people and new ones are resolved; the figure is
  parties (debtors and creditors) resolved per second of the resolver, outbox handling included.
- dedupe: `bailiff identity dedupe`'s code path on that registry in a child process, so its
  wall time and peak RSS (wait4) are its own. The registry holds 2% of its people twice (the second
  record as a writ without identifiers would have left it); the share of those pairs in the filed
  clusters is the dedupe's recall.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from benchmarks.common import environment, log
from benchmarks.databases import BACKENDS, drop, fresh_url, postgres_version
from bailiff.config import Settings
from bailiff.core import sequences
from bailiff.core.clock import utcnow
from bailiff.core.db import Database, upgrade
from bailiff.demo import people
from bailiff.identity import evaluation, places
from bailiff.identity.models import PartyIdentifier, Person, PersonAddress, ReviewTask
from bailiff.identity.parties import party_record
from bailiff.subscriptions import all_handlers

NEW_WRITS = 5000


def _person_party(p: people.TruePerson) -> dict[str, Any]:
    ids = {k: v for k, v in (("inn", p.inn), ("snils", p.snils), ("passport", p.passport)) if v}
    return {"kind": "person", "surname": p.surname, "given_name": p.given_name, "patronymic": p.patronymic,
            "birth_date": p.birth_date.isoformat(), "birth_place": p.birth_place, "address": p.address,
            "identifiers": ids}


def bulk_load(database: Database, parties: list[dict[str, Any]], chunk: int = 20_000) -> tuple[int, float]:
    """Insert parties as registry persons with identifiers and addresses; the first id and seconds.

    The i-th party becomes person `first + i`."""
    started = time.perf_counter()
    now = utcnow()
    with database.transaction() as session:
        first = sequences.allocate(session, "person", len(parties))
    for start in range(0, len(parties), chunk):
        persons, ids, addresses = [], [], []
        for offset, party in enumerate(parties[start:start + chunk]):
            pid = first + start + offset
            r = party_record("bulk", "debtor", 0, party)
            persons.append({"id": pid, "surname": r.surname, "given_name": r.given_name, "patronymic": r.patronymic,
                            "gender": r.gender, "birth_date": r.birth_date, "birth_place": r.birth_place,
                            "address": r.address, "surname_key": r.surname_key, "given_key": r.given_key,
                            "patronymic_key": r.patronymic_key, "surname_phonetic": r.surname_phonetic,
                            "name_parsed": r.name_parsed, "merged_into": None, "created_at": now})
            ids += [{"kind": k, "value": v, "person_id": pid, "entity_id": None, "created_at": now}
                    for k, v in r.identifiers.items()]
            addresses.append({"person_id": pid, "address_key": places.address_key(r.address),
                              "register_number": "bulk", "seen_at": now})
        with database.transaction() as session:
            session.execute(insert(Person), persons)
            if ids:  # the planted duplicates carry none
                session.execute(insert(PartyIdentifier), ids)
            session.execute(insert(PersonAddress), addresses)
        log(f"  loaded {min(start + chunk, len(parties)):,} persons")
    # Planner statistics, as after any bulk import (autovacuum would gather them within minutes):
    # without them PostgreSQL plans the blocking joins for an empty table.
    with database.transaction() as session:
        session.connection().exec_driver_sql("ANALYZE")
    return first, time.perf_counter() - started


def online(backend: str, size: int, tmp: Path) -> dict[str, Any]:
    """Resolve NEW_WRITS writs against a registry of `size` persons."""
    url = fresh_url(backend, f"bailiff_bench_identity_{size}", tmp)
    try:
        upgrade(url)
        database = Database(url)
        rng = random.Random(size)
        population = people.make_population(rng, size)
        # The registry also holds 2% of its people a second time, recorded from a writ without
        # identifiers: what the dedupe must find.
        duplicates = people.unidentified_duplicates(random.Random(size + 2), population)
        position = {p.person_id: n for n, p in enumerate(population)}
        first, load_s = bulk_load(database, [_person_party(p) for p in population] + [d for _, d in duplicates])
        planted = {(first + position[true_id], first + len(population) + k)
                   for k, (true_id, _) in enumerate(duplicates)}
        # Mentions of registry people (most) and of people not yet in it.
        newcomers = people.make_population(random.Random(size + 1), NEW_WRITS // 4)
        mentions = people.make_mentions(rng, rng.sample(population, NEW_WRITS) + newcomers, NEW_WRITS)
        evaluation.register_mentions(database, mentions, seed=size, code=f"BENCH-{size}")
        settings = Settings(data_dir=tmp, database_url=url)
        events, seconds = evaluation.resolve_pending(database, all_handlers(database, settings))
        dedupe = {**dedupe_in_child(url), **_planted_found(database, planted)}
        database.dispose()
        return {"backend": backend, "registry_persons": size + len(duplicates),
                "planted_duplicates": len(planted), "bulk_load_s": round(load_s, 1),
                "writs_resolved": events, "parties_resolved": events * 2, "resolution_s": round(seconds, 3),
                "parties_per_s": round(events * 2 / seconds, 1), "dedupe": dedupe}
    finally:
        drop(backend, url)


def _planted_found(database: Database, planted: set[tuple[int, int]]) -> dict[str, Any]:
    """How many planted duplicate pairs the filed clusters hold, and how many clusters hold none.

    Clusters without a planted pair are look-alikes the generator made on purpose (namesakes with
    the same name and birth date, some without identifiers to tell them apart): a reviewer's work."""
    with database.reading() as session:
        clusters = [{c["id"] for c in task.candidates} for task in session.scalars(
            select(ReviewTask).where(ReviewTask.kind == "duplicate_cluster"))]
        # Resolution may have merged some already (a writ with the person's INN at the duplicate's address).
        merged = dict(session.execute(select(Person.id, Person.merged_into).where(
            Person.id.in_([b for _, b in planted]), Person.merged_into.is_not(None))).all())
    member_of: dict[int, set[int]] = {}
    for n, cluster in enumerate(clusters):
        for person in cluster:
            member_of.setdefault(person, set()).add(n)
    shared = {(a, b): member_of.get(a, set()) & member_of.get(b, set()) for a, b in planted}
    in_clusters = {pair for pair, common in shared.items() if common}
    at_intake = {(a, b) for a, b in planted if merged.get(b) == a}
    holding = len(set().union(*shared.values())) if shared else 0
    return {"planted_pairs_in_clusters": len(in_clusters), "planted_pairs_merged_at_intake": len(at_intake),
            "planted_recall": round(len(in_clusters | at_intake) / len(planted), 4) if planted else None,
            "clusters_filed_in_all": len(clusters), "clusters_without_a_planted_pair": len(clusters) - holding}


def dedupe_in_child(url: str) -> dict[str, Any]:
    """Run the registry dedupe in its own process; wall time and peak RSS are its own."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.identity", "--dedupe-child", url],
                            stdout=subprocess.PIPE, env={**os.environ})
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        return {"error": f"child exited with status {status}"}
    result = json.loads(out)
    return {**result, "wall_s": round(time.perf_counter() - started, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def _dedupe_child(url: str) -> None:
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.identity.dedupe import dedupe_registry

    database = Database(url)
    started = time.perf_counter()
    with database.transaction() as session:
        summary = dedupe_registry(session=session, actor=CLI_ADMIN)
    print(json.dumps({**summary, "work_s": round(time.perf_counter() - started, 2)}))


def accuracy(backend: str, tmp: Path) -> dict[str, Any]:
    """Ground-truth accuracy (and resolver speed on a fresh registry)."""
    url = fresh_url(backend, "bailiff_bench_identity_accuracy", tmp)
    try:
        upgrade(url)
        database = Database(url)
        result = evaluation.evaluate(database, Settings(data_dir=tmp, database_url=url), persons=8000,
                                     mentions=12_000, seed=11)
        database.dispose()
        return {"backend": backend, **result}
    finally:
        drop(backend, url)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the identity benchmarks and print one JSON document."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.identity")
    parser.add_argument("--full", action="store_true", help="add a registry of 1,000,000 persons")
    parser.add_argument("--dedupe-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dedupe_child:
        _dedupe_child(args.dedupe_child)
        return {}
    version, reason = postgres_version()
    backends = [b for b in BACKENDS if b == "sqlite" or version]
    sizes = [10_000, 100_000] + ([1_000_000] if args.full else [])
    out: dict[str, Any] = {"benchmark": "identity", "environment": environment(version),
                           "skipped": {} if version else {"postgresql": reason}, "accuracy": [], "online": []}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for backend in backends:
            log(f"identity accuracy on {backend}")
            out["accuracy"].append(accuracy(backend, tmp))
        for size in sizes:
            # The registry at scale is PostgreSQL's job; SQLite is measured at the smaller sizes.
            for backend in backends if size <= 100_000 else [b for b in backends if b == "postgresql"]:
                log(f"identity online + dedupe: {size:,} persons on {backend}")
                out["online"].append(online(backend, size, tmp))
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return out


if __name__ == "__main__":
    main()
