"""`python -m benchmarks [--full]`: the whole suite, one JSON document on stdout.

Order of work: sign the corpus once (not timed as intake); then per backend, per server worker
count, per size: a fresh database, the court registered in-process, the real server started as a
separate process, batch intake, single POSTs, HTTP inclusion proofs, peak memory, server stopped.
Then the in-process profile of register_batch on the largest database, and the log benchmark on a
database of its own.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bailiff.core.db import upgrade
from benchmarks import corpus as corpus_mod
from benchmarks import databases, intake, logbench, profiling
from benchmarks import febrl as febrl_bench
from benchmarks import assignment as assignment_bench
from benchmarks import identity as identity_bench
from benchmarks.common import client_peak_rss_mib, cpu_snapshot, cpu_usage, environment, log, utc_now_iso
from benchmarks.server import Server

DEFAULT_SIZES = (10_000, 100_000)
FULL_SIZES = (10_000, 100_000, 1_000_000)
PROFILE_BATCHES = 5  # warm-up, stage timings, generic plans, cProfile, single writs
TARGET_POSTGRES_WRITS_PER_S = 4000
SMALL_LOAD_SINGLES = 500
DB_NAME = "bailiff_bench"
NOTES = [
    "batch_intake.writs_per_s: accepted writs / wall time from the first batch sent to the last "
    "response read; envelopes were generated and signed before (corpus), bodies are pre-serialised.",
    "batch_latency_ms: per request, from send to full response; with several client threads it includes "
    "waiting behind the other threads' batches (the register serialises writers on the log lock).",
    "first_tenth/last_tenth: the first and last 10% of batches in submission order; wall_us_per_writ "
    "is that slice's wall time per accepted writ.",
    "cpu_during_posting: CPU seconds by the server processes, PostgreSQL, this client and everything "
    "else on the (shared) machine while posting; a high other_processes share means the figure is "
    "depressed by someone else's work.",
    "Peak RSS is VmHWM from /proc: the server's processes (after the batch load and at the end of "
    "the run) and this benchmark process (which also ran the in-process measurements).",
    "translog: bailiff.core.translog on its own database; append figures cover lock + append + "
    "commit per leaf (and the append call alone) over the last 10 transactions of 1,000 leaves "
    "before each size; inclusion_us is a proof's server time without HTTP: a read session of its own and translog.inclusion.",
    "profile: register_batch in-process on the largest register after its load (server stopped); "
    "see profile.<backend>.where_the_time_goes.method.",
    "Sample counts (n) are reported with every percentile: proof and single-POST loops stop early "
    "after a time limit so that a slow register cannot blow the suite's time budget.",
]


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 writs (long)")
    parser.add_argument("--no-assignment", action="store_true",
                        help="skip the draw fairness (1 M draws) and proceedings opening figures")
    parser.add_argument("--no-identity", action="store_true",
                        help="skip debtor identification (ground truth, online, dedupe) and FEBRL")
    parser.add_argument("--sizes", help="comma-separated writ counts, multiples of 1000 (overrides --full)")
    parser.add_argument("--backends", default=",".join(databases.BACKENDS), help="sqlite,postgresql")
    parser.add_argument("--workers", default="1,3",
                        help="server worker counts; the largest runs at every size, the others at the "
                             "smallest size only, unless --full or --workers-all-sizes")
    parser.add_argument("--workers-all-sizes", action="store_true", help="every worker count at every size")
    # Four senders: with three, the server's processes waited on the log lock in turn and left the
    # 2-core machine a quarter idle (measured 72% busy, 3,740 writs/s over 1 M writs); with four it
    # was 92% busy (5,473 writs/s at 100 k), and six added nothing.
    parser.add_argument("--threads", type=int, default=4,
                        help="concurrent client threads posting batches (as several courts sending at once)")
    parser.add_argument("--singles", type=int, help="single-writ POSTs after the largest load "
                        f"(default 1000, 2000 with --full; at most {SMALL_LOAD_SINGLES} after smaller loads)")
    parser.add_argument("--http-proofs", type=int, default=300,
                        help=f"HTTP inclusion-proof GETs after each load (stops after {intake.PROOF_SECONDS:.0f} s)")
    parser.add_argument("--postgres-url", default=databases.POSTGRES_ADMIN_URL,
                        help="admin URL of the PostgreSQL server (benchmark databases are created on it)")
    parser.add_argument("--out-dir", default="bench-results", help="where <timestamp>.json is written")
    args = parser.parse_args(argv)
    if args.sizes:
        args.sizes = tuple(sorted({int(s) for s in args.sizes.split(",")}))
    else:
        args.sizes = FULL_SIZES if args.full else DEFAULT_SIZES
    if any(s <= 0 or s % corpus_mod.BATCH for s in args.sizes):
        parser.error(f"sizes must be positive multiples of {corpus_mod.BATCH}")
    if args.singles is None:
        args.singles = 2000 if args.full else 1000
    args.workers = tuple(sorted({int(w) for w in args.workers.split(",")}))
    # The serving configuration (the most processes: one more than the cores, so that one prepares
    # a batch while another waits for the log lock) runs at every size; the others at the smallest
    # size only by default: the larger loads take most of the ten-minute budget, and how the count
    # matters shows at any size.
    args.plan = [(w, size) for w in args.workers for size in args.sizes
                 if w == args.workers[-1] or args.full or args.workers_all_sizes or size == args.sizes[0]]
    args.backends = tuple(b for b in args.backends.split(",") if b)
    unknown = set(args.backends) - set(databases.BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    return args


def _intake_run(backend: str, url: str, workers: int, size: int, corpus: corpus_mod.Corpus,
                court: databases.Court, tmp: Path, args: argparse.Namespace,
                singles_batches: range) -> dict[str, Any]:
    run: dict[str, Any] = {"backend": backend, "server_workers": workers, "writs": size}
    with Server(url, tmp / f"data-{backend}-{workers}w-{size}", workers) as server:
        log(f"{backend}, {workers} worker(s), {size} writs: server on {server.base_url}")
        db_name = DB_NAME if backend == "postgresql" else None
        assert server.proc is not None
        before = cpu_snapshot(server.proc.pid, db_name)
        run["batch_intake"] = intake.post_batches(server.base_url, court.token, corpus,
                                                  range(size // corpus_mod.BATCH), threads=args.threads)
        run["batch_intake"]["cpu_during_posting"] = cpu_usage(before, cpu_snapshot(server.proc.pid, db_name))
        run["server_peak_rss_after_batch_load"] = server.peak_rss()
        run["client_peak_rss_mib_after_batch_load"] = client_peak_rss_mib()
        b = run["batch_intake"]
        log(f"  {b['writs_per_s']} writs/s, batch p50 {b['batch_latency_ms']['p50']} ms, "
            f"p99 {b['batch_latency_ms']['p99']} ms")
        # Fewer single POSTs after the smaller loads keep the default run within its time budget.
        singles = args.singles if size == max(args.sizes) else min(args.singles, SMALL_LOAD_SINGLES)
        if singles:
            envelopes = [e for i in singles_batches for e in corpus.envelopes(i)][:singles]
            run["single_post"] = intake.post_singles(server.base_url, court.token, envelopes)
            log(f"  single POST p50 {run['single_post']['latency_ms']['p50']} ms")
        if args.http_proofs:
            run["http_inclusion_proof"] = intake.get_inclusion_proofs(server.base_url, args.http_proofs)
        run["server_peak_rss_at_end"] = server.peak_rss()
    return run


def _backend(backend: str, corpus: corpus_mod.Corpus, tmp: Path, args: argparse.Namespace,
             out: dict[str, Any]) -> None:
    largest = max(args.sizes)
    load_batches = largest // corpus_mod.BATCH
    singles_batches = range(load_batches, load_batches + math.ceil(args.singles / corpus_mod.BATCH))
    first_profile = singles_batches.stop
    profile_batches = tuple(range(first_profile, first_profile + PROFILE_BATCHES))
    for workers, size in args.plan:
        url = None
        try:
            url = databases.fresh_url(backend, DB_NAME, tmp, args.postgres_url)
            court = databases.prepare_register(url, code=corpus_mod.ISSUER.code, name=corpus_mod.ISSUER.name,
                                               region=corpus_mod.ISSUER.region, key=corpus.key)
            out["intake"].append(_intake_run(backend, url, workers, size, corpus, court, tmp, args,
                                             singles_batches))
            # The profile runs with the server stopped, on the largest register, so that it
            # measures the same database state the last batches of the load met.
            if workers == args.workers[-1] and size == largest:
                log(f"{backend}: profiling register_batch in-process at {size} writs")
                out["profile"][backend] = {"database_writs_before": size + args.singles,
                                           **profiling.run(url, court, corpus, profile_batches)}
        except Exception as exc:  # noqa: BLE001 - one failed run must not lose the others' figures
            log(f"{backend} {workers}w {size}: FAILED {exc}")
            out["errors"].append({"backend": backend, "server_workers": workers, "writs": size,
                                  "error": f"{type(exc).__name__}: {exc}",
                                  "traceback": traceback.format_exc()[-3000:]})
        finally:
            if url is not None:
                databases.drop(backend, url, args.postgres_url)
    _translog(backend, tmp, args, out)


def _translog(backend: str, tmp: Path, args: argparse.Namespace, out: dict[str, Any]) -> None:
    url = None
    try:
        log(f"{backend}: transparency log to {max(args.sizes)} leaves")
        url = databases.fresh_url(backend, "bailiff_bench_log", tmp, args.postgres_url)
        upgrade(url)
        out["translog"][backend] = logbench.run(url, args.sizes)
    except Exception as exc:  # noqa: BLE001
        log(f"{backend} translog: FAILED {exc}")
        out["errors"].append({"backend": backend, "part": "translog", "error": f"{type(exc).__name__}: {exc}",
                              "traceback": traceback.format_exc()[-3000:]})
    finally:
        if url is not None:
            databases.drop(backend, url, args.postgres_url)


def _summary(out: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per intake run, the figures most people look for first."""
    rows = []
    for r in out["intake"]:
        b = r["batch_intake"]
        rows.append({
            "backend": r["backend"], "server_workers": r["server_workers"], "writs": r["writs"],
            "batch_writs_per_s": b["writs_per_s"],
            "batch_latency_ms_p50_p99": [b["batch_latency_ms"]["p50"], b["batch_latency_ms"]["p99"]],
            "us_per_writ_first_last_tenth": [b["first_tenth"]["wall_us_per_writ"], b["last_tenth"]["wall_us_per_writ"]],
            "single_post_ms_p50_p99": ([r["single_post"]["latency_ms"]["p50"], r["single_post"]["latency_ms"]["p99"]]
                                       if "single_post" in r else None),
            "http_inclusion_ms_p50": (r["http_inclusion_proof"]["latency_ms"]["p50"]
                                      if "http_inclusion_proof" in r else None),
            "server_peak_rss_mib": r["server_peak_rss_at_end"]["max_serving_process_mib"],
            "other_processes_share_of_machine": b["cpu_during_posting"]["other_processes_share_of_machine"],
        })
    return rows


def _verdict(out: dict[str, Any]) -> dict[str, Any]:
    """The best measured PostgreSQL intake against the target: reported, never asserted."""
    runs = [r for r in out["intake"] if r["backend"] == "postgresql" and "batch_intake" in r]
    if not runs:
        return {"target_writs_per_s": TARGET_POSTGRES_WRITS_PER_S, "measured": None}
    best = max(runs, key=lambda r: r["batch_intake"]["writs_per_s"])
    # "Reached" is judged on the largest register measured (the sustained rate), not on the best
    # short run: a 10,000-writ run on this shared machine can be a lucky ten seconds.
    largest = max(r["writs"] for r in runs)
    sustained = max((r for r in runs if r["writs"] == largest), key=lambda r: r["batch_intake"]["writs_per_s"])
    return {"target_writs_per_s": TARGET_POSTGRES_WRITS_PER_S,
            "best_measured_writs_per_s": best["batch_intake"]["writs_per_s"],
            "best_run": {"server_workers": best["server_workers"], "writs": best["writs"]},
            "at_largest_size_writs_per_s": sustained["batch_intake"]["writs_per_s"],
            "at_largest_size_run": {"server_workers": sustained["server_workers"], "writs": largest},
            "reached": sustained["batch_intake"]["writs_per_s"] >= TARGET_POSTGRES_WRITS_PER_S}


def _captured(run: Any) -> Any:
    """Run a sub-benchmark that prints one JSON document, and return that document."""
    import contextlib
    import io
    import json

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        run()
    return json.loads(buffer.getvalue())


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    # SystemExit unwinds through the finally blocks, so the servers are stopped and the
    # benchmark databases dropped even when the run is cancelled (by default SIGTERM kills
    # Python at once and would leave the server running).
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = _args(argv)
    started = time.monotonic()
    pg_version, pg_problem = databases.postgres_version(args.postgres_url)
    out: dict[str, Any] = {
        "suite": "bailiff benchmarks", "mode": "full" if args.full else "default", "started_at": utc_now_iso(),
        "parameters": {"sizes": list(args.sizes), "backends": list(args.backends), "server_workers": list(args.workers),
                       "runs": [{"server_workers": w, "writs": n} for w, n in args.plan],
                       "client_threads": args.threads, "batch_size": corpus_mod.BATCH, "single_posts": args.singles,
                       "http_inclusion_requests": args.http_proofs},
        "environment": environment(pg_version), "notes": NOTES, "skipped": {}, "errors": [],
        "corpus": {}, "intake": [], "profile": {}, "translog": {},
    }
    backends = list(args.backends)
    if "postgresql" in backends and pg_version is None:
        out["skipped"]["postgresql"] = f"PostgreSQL did not answer at {args.postgres_url}: {pg_problem}"
        backends.remove("postgresql")
        log(out["skipped"]["postgresql"])
    with tempfile.TemporaryDirectory(prefix="bailiff-bench-") as tmp_name:
        tmp = Path(tmp_name)
        batches = (max(args.sizes) // corpus_mod.BATCH + math.ceil(args.singles / corpus_mod.BATCH)
                   + PROFILE_BATCHES)
        log(f"signing a corpus of {batches * corpus_mod.BATCH} writs")
        corpus = corpus_mod.build(tmp / "corpus", batches, log=log)
        out["corpus"] = {"writs": batches * corpus_mod.BATCH, "issuer": corpus_mod.ISSUER.code,
                         "generate_and_sign_s": round(corpus.seconds, 1), "processes": corpus.processes,
                         "note": "made before any timing; not part of any intake figure"}
        for backend in backends:
            _backend(backend, corpus, tmp, args, out)
    if not args.no_identity:
        out["identity"] = _captured(lambda: identity_bench.main(["--full"] if args.full else []))
        out["febrl"] = _captured(lambda: febrl_bench.main([]))
    if not args.no_assignment:
        out["assignment"] = _captured(lambda: assignment_bench.main([]))
    out["postgresql_target"] = _verdict(out)
    out["summary"] = _summary(out)
    out["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["finished_at"] = utc_now_iso()
    out["duration_s"] = round(time.monotonic() - started, 1)
    document = orjson.dumps(out, option=orjson.OPT_INDENT_2)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_bytes(document + b"\n")
    log(f"results written to {path}")
    sys.stdout.write(document.decode() + "\n")
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
