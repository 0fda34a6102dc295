"""`python -m benchmarks.assignment`: the draw's fairness over many draws, and the throughput of
opening proceedings with their draws.

- draws: 1,000,000 draws (pure `assignment.rules.draw`) over ten bailiffs with unequal weights, one
  beacon round per 1,000 proceedings; chi-square of the winners' counts against the weights.
- opening: N writs registered and presented, then timed (three times per backend, each on a fresh
  database; the median run is reported with every run's throughput): `proceedings.service.open_presented`
  (open + number + log leaves + commit of each draw) and `assignment.draws.draw_pending` (reveal +
  draw + result leaves), each in batches as the worker runs them. Registration, presentation and the
  beacon's anchoring (once per worker start) are not timed; the garbage collector has the worker's
  settings (`bailiff.core.heap`). The generated debtors recur, so part of the proceedings join a consolidated one and
  take its bailiff instead of a draw (229-FZ art. 34): `drawn` + `joined` = `proceedings`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scipy.stats import chisquare
from sqlalchemy import func, select

from benchmarks.common import environment, log
from benchmarks.databases import BACKENDS, drop, fresh_url, postgres_version
from bailiff.assignment.draws import draw_pending
from bailiff.assignment import service as assignment
from bailiff.assignment.models import Assignment
from bailiff.assignment.rules import Eligible, draw
from bailiff.config import Settings
from bailiff.core import heap
from bailiff.core.actor import CLI_ADMIN, Actor
from bailiff.core.clock import utcnow
from bailiff.core.db import Database, upgrade
from bailiff.demo import people
from bailiff.identity import evaluation
from bailiff.identity.handlers import handlers as identity_handlers
from bailiff.jurisdictions import load_profile
from bailiff.proceedings import service as proceedings
from bailiff.proceedings.handlers import chain_store
from bailiff.proceedings.service import OPENER, Presentation
from bailiff.register import transitions
from bailiff.register.models import Writ

WEIGHTS = {f"77001-{n:03d}": w for n, w in enumerate((50, 120, 300, 300, 80, 500, 10, 240, 700, 45), start=1)}
BATCH = 1000


def draws(count: int) -> dict[str, Any]:
    """Winners of `count` draws against the weights, with a chi-square test."""
    members = [Eligible(k, v) for k, v in WEIGHTS.items()]
    winners: Counter[str] = Counter()
    started = time.perf_counter()
    for i in range(count):
        seed = hashlib.sha256(f"round {i // 1000}".encode()).digest()
        winners[draw(seed=seed, proceeding_number=f"{i}/26/77001-ИП", eligible=members).bailiff_id] += 1
    seconds = time.perf_counter() - started
    total = sum(WEIGHTS.values())
    ids = sorted(WEIGHTS)
    observed = [winners[i] for i in ids]
    expected = [count * WEIGHTS[i] / total for i in ids]
    test = chisquare(observed, expected)
    return {"draws": count, "seconds": round(seconds, 2), "draws_per_s": round(count / seconds),
            "bailiffs": [{"bailiff_id": i, "weight": WEIGHTS[i], "share_of_weight": round(WEIGHTS[i] / total, 5),
                          "share_of_cases": round(winners[i] / count, 5)} for i in ids],
            "chi_square": round(float(test.statistic), 3), "degrees_of_freedom": len(ids) - 1,
            "p_value": round(float(test.pvalue), 4), "fair_at_0_01": bool(test.pvalue > 0.01)}


def opening(backend: str, writs: int, tmp: Path) -> dict[str, Any]:
    """Open and assign `writs` presented writs; proceedings per second of each step."""
    url = fresh_url(backend, f"bailiff_bench_assign_{writs}", tmp)
    try:
        upgrade(url)
        database = Database(url)
        rng = random.Random(writs)
        population = people.make_population(rng, writs)
        evaluation.register_mentions(database, people.make_mentions(rng, population, writs), seed=writs,
                                     code=f"BENCH-A-{writs}")
        # Debtors are identified before presentation, as in service (opening waits for identification).
        evaluation.resolve_pending(database, identity_handlers(database))
        with database.transaction() as session:
            assignment.add_office(session=session, office_id="77001", name="ОСП", region="77", kind="department",
                                  regions=load_profile("ru").regions, actor=CLI_ADMIN)
            for bailiff_id, weight in WEIGHTS.items():
                assignment.add_bailiff(session=session, bailiff_id=bailiff_id, name=bailiff_id, office_id="77001",
                                       capacity=weight * 100, actor=CLI_ADMIN)
            numbers = list(session.scalars(select(Writ.register_number)))
            service = Actor(kind="system", ident="bench", role="bailiff_service")
            for number in numbers:
                transitions.transition(session=session, register_number=number, action="present", reason="bench",
                                    actor=service, department="77001")
        # The beacon store as the worker's handlers get it, once per batch (a process keeps its chains);
        # its chain is anchored before the timing, as `bailiff worker` anchors it at start.
        settings = Settings(data_dir=tmp / f"data-{backend}", database_url=url)
        with database.transaction() as session:
            assignment.anchor_beacon(session=session, store=chain_store(settings))
        profile = load_profile("ru")
        now = utcnow()
        heap.settle()  # the garbage collector's settings of `bailiff worker` (bailiff.core.heap)
        started = time.perf_counter()
        for start in range(0, len(numbers), BATCH):
            with database.transaction() as session:
                outcome = proceedings.open_presented(session=session, store=chain_store(settings), profile=profile,
                                                     presentations=[
                    Presentation(n, now, "77001") for n in numbers[start:start + BATCH]])
            if outcome.not_opened or outcome.waiting_for_identity:
                raise RuntimeError(f"not all proceedings opened: {outcome}")
        opened_s = time.perf_counter() - started
        started = time.perf_counter()
        drawn = 0
        suffix = profile.raw["proceedings"]["consolidation"]["suffix"]
        while True:
            with database.transaction() as session:
                batch = draw_pending(session=session, store=chain_store(settings), actor=OPENER, limit=BATCH)
                # What the worker's `proceeding.assigned` handler does next: members follow their lead.
                proceedings.join_groups(session=session, suffix=suffix, actor=OPENER, groups=proceedings.groups_of(
                    session=session, numbers={a.proceeding_number for a in batch}))
            if not batch:
                break
            drawn += len(batch)
        drawn_s = time.perf_counter() - started
        with database.reading() as session:  # members of consolidated proceedings follow their lead (art. 34)
            joined = session.scalar(select(func.count()).select_from(Assignment).where(Assignment.kind == "join"))
        database.dispose()
        if drawn + joined != len(numbers):
            raise RuntimeError(f"{len(numbers) - drawn - joined} proceedings were left without a bailiff")
        return {"backend": backend, "proceedings": len(numbers), "drawn": drawn, "joined": joined,
                "open_and_commit_s": round(opened_s, 2), "reveal_and_draw_s": round(drawn_s, 2),
                "proceedings_per_s": round(len(numbers) / (opened_s + drawn_s), 1)}
    finally:
        drop(backend, url)


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput, and every run's throughput beside it: on a shared machine
    the same code measured 3,400-4,400 proceedings/s from one run to the next."""
    ordered = sorted(runs, key=lambda r: r["proceedings_per_s"])
    return {**ordered[(len(ordered) - 1) // 2], "runs": len(runs),
            "runs_proceedings_per_s": [r["proceedings_per_s"] for r in runs]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts and print one JSON document."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.assignment")
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--writs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3,
                        help="openings per backend, each on a fresh database; the median run is reported")
    args = parser.parse_args(argv)
    version, reason = postgres_version()
    out: dict[str, Any] = {"benchmark": "assignment", "environment": environment(version),
                           "skipped": {} if version else {"postgresql": reason}}
    log(f"assignment: {args.draws:,} draws")
    out["draws"] = draws(args.draws)
    out["opening"] = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in [b for b in BACKENDS if b == "sqlite" or version]:
            runs = []
            for run in range(1, args.runs + 1):
                log(f"assignment: opening {args.writs:,} proceedings on {backend} (run {run} of {args.runs})")
                runs.append(opening(backend, args.writs, Path(folder)))
            out["opening"].append(median_run(runs))
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return out


if __name__ == "__main__":
    main()
