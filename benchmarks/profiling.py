"""Where the server's time goes in a batch: measured in-process on a real database session.

Each measurement uses its own batch of the corpus (new to the database):
1. stage timings without a profiler: each step of `_prepare` timed on its own over the same
   1,000 envelopes, then `register_batch` itself with light wrappers around `_prepare`, `_store`,
   `canonical_json` and SQLAlchemy cursor events (time in the driver, per statement); on
   PostgreSQL once on a fresh connection and once with the generic plans a long-lived server
   connection ends up using (see _generic_plans);
2. cProfile of `register_batch` + commit, top functions by own time. cProfile inflates pure
   Python code (rfc8785, pydantic's Python side) far more than C code, so its shares are only
   indicative; the figures of (1) are the ones to quote;
3. what one single-writ POST costs without HTTP (token lookup, register_batch of one, commit).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from cryptography.hazmat.primitives import serialization
from fastapi.responses import JSONResponse
from sqlalchemy import event

from bailiff.core.crypto import b64decode, canonical_json, sha256
from bailiff.core.db import Database
from bailiff.jurisdictions import load_profile
from bailiff.orgs import service as orgs
from bailiff.register import rules
from bailiff.register import service
from bailiff.register.schemas import Envelope, WritDocument
from benchmarks.common import summary
from benchmarks.corpus import BATCH, Corpus
from benchmarks.databases import Court

STAGE_PASSES = 3
SINGLE_WRITS = 100


def _each(fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    """Run fn over items; returns (microseconds per item, results)."""
    t0 = time.perf_counter()
    out = [fn(x) for x in items]
    return (time.perf_counter() - t0) / len(items) * 1e6, out


def _stages(envelopes_body: bytes, key_der: bytes, profile: Any, today: Any) -> dict[str, float]:
    """Each step of _prepare on its own, in microseconds per writ."""
    t0 = time.perf_counter()
    raw = orjson.loads(envelopes_body)["envelopes"]
    parse_us = (time.perf_counter() - t0) / len(raw) * 1e6
    envelope_us, envelopes = _each(Envelope.model_validate, raw)
    rfc8785_us, messages = _each(lambda e: canonical_json(e.document), envelopes)
    b64_us, signatures = _each(lambda e: b64decode(e.signature.value), envelopes)
    load_us, keys = _each(lambda _: serialization.load_der_public_key(key_der), envelopes)
    t0 = time.perf_counter()
    for public, signature, message in zip(keys, signatures, messages, strict=True):
        public.verify(signature, message)  # type: ignore[union-attr]
    verify_us = (time.perf_counter() - t0) / len(raw) * 1e6
    sha_us, _ = _each(sha256, messages)
    doc_us, docs = _each(lambda e: WritDocument.model_validate(e.document), envelopes)
    rules_us, _ = _each(lambda d: rules.document_errors(d, profile=profile, today=today), docs)
    return {"request_body_orjson_parse": parse_us, "envelope_pydantic_validate": envelope_us,
            "rfc8785_canonical_document": rfc8785_us, "signature_base64_decode": b64_us,
            "ed25519_load_der_public_key": load_us, "ed25519_verify": verify_us, "sha256_document": sha_us,
            "writ_document_pydantic_validate": doc_us, "legal_rules_document_errors": rules_us}


_TABLE = re.compile(r"^\s*(INSERT INTO|UPDATE|SELECT\b.*?\bFROM|DELETE FROM)\s+\"?(\w+)", re.S | re.I)


_WHERE = re.compile(r"\bWHERE\s+(.*?)(?:\s+IN\b|$)", re.S | re.I)


@contextmanager
def _instrumented(database: Database) -> Iterator[dict[str, float]]:
    """Accumulate seconds spent in _prepare, _store, canonical_json (per phase) and the driver."""
    acc: dict[str, float] = defaultdict(float)
    phase = {"name": "outside"}
    originals = {"_prepare": service._prepare, "_store": service._store, "canonical_json": service.canonical_json}

    def timed(name: str, fn: Callable[..., Any], set_phase: str | None = None) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = phase["name"]
            if set_phase:
                phase["name"] = set_phase
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[name if not name.startswith("canonical") else f"{name}:{phase['name']}"] += time.perf_counter() - t0
                phase["name"] = previous
        return wrapper

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info.setdefault("bench_t0", []).append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        elapsed = time.perf_counter() - conn.info["bench_t0"].pop()
        match = _TABLE.match(statement)
        verb = match.group(1).split()[0].upper() if match else statement.split()[0].upper()
        label = f"{verb} {match.group(2) if match else '?'}"
        where = _WHERE.search(statement) if verb == "SELECT" else None
        if where:  # tells the writs lookups by hash and by (issuer, number, sequence) apart
            label += f" WHERE {' '.join(where.group(1).split())[:70]}"
        acc[f"db:{phase['name']}:{label}"] += elapsed

    service._prepare = timed("_prepare", originals["_prepare"], "prepare")  # type: ignore[assignment]
    service._store = timed("_store", originals["_store"], "store")  # type: ignore[assignment]
    service.canonical_json = timed("canonical_json", originals["canonical_json"])  # type: ignore[assignment]
    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        yield acc
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)
        for name, fn in originals.items():
            setattr(service, name, fn)


def _register(database: Database, envelopes: list[Any], actor: Any, profile: Any) -> tuple[float, float, list[Any]]:
    """register_batch in a transaction; returns (seconds in register_batch, seconds in commit, results)."""
    with database.sessions() as session:
        session.begin()
        t0 = time.perf_counter()
        results = service.register_batch(session=session, envelopes=envelopes, actor=actor, profile=profile)
        t1 = time.perf_counter()
        session.commit()
        t2 = time.perf_counter()
    accepted = sum(r.accepted and not r.replay for r in results)
    if accepted != len(envelopes):
        raise RuntimeError(f"profiling batch: only {accepted} of {len(envelopes)} newly accepted")
    return t1 - t0, t2 - t1, results


def _generic_plans(database: Database) -> None:
    """Make every connection of `database` plan like a long-lived server connection.

    psycopg prepares a statement server-side from its 6th execution on a connection
    (prepare_threshold=5), and PostgreSQL switches a prepared statement to a generic plan after 5
    custom ones when it estimates it no worse. A server connection that has registered a few
    dozen batches is in that state; a fresh profiling connection is not, and would measure other
    plans (for an IN list of 1,000 parameters the two can differ by orders of magnitude).
    """
    @event.listens_for(database.engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.prepare_threshold = 0
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
        dbapi_connection.commit()


def _in_situ(database: Database, body: bytes, actor: Any, profile: Any, stages: dict[str, float],
             auth_s: float) -> dict[str, Any]:
    envelopes = orjson.loads(body)["envelopes"]
    with _instrumented(database) as acc:
        batch_s, commit_s, results = _register(database, envelopes, actor, profile)
    t0 = time.perf_counter()
    JSONResponse({"accepted": len(results), "rejected": 0, "items": [r.as_json() for r in results]})
    render_s = time.perf_counter() - t0
    return _breakdown(stages, acc, batch_s, commit_s, render_s, auth_s)


def run(database_url: str, court: Court, corpus: Corpus, batches: tuple[int, ...]) -> dict[str, Any]:
    """Stage timings and a cProfile of register_batch on a database already holding the load."""
    warmup, staged, generic, profiled, singles = batches
    database = Database(database_url)
    profile = load_profile("ru")
    out: dict[str, Any] = {"batch_size": BATCH}
    try:
        with database.reading() as session:
            t0 = time.perf_counter()
            actor = orgs.authenticate(session=session, token=court.token)
            auth_s = time.perf_counter() - t0
        _register(database, corpus.envelopes(warmup), actor, profile)
        body = corpus.body(staged)
        # Median of three passes: one pass can catch a burst of another process on the machine.
        passes = [_stages(body, corpus.key.public_der, profile, corpus.today) for _ in range(STAGE_PASSES)]
        stages = {name: statistics.median(p[name] for p in passes) for name in passes[0]}
        out["where_the_time_goes"] = _in_situ(database, body, actor, profile, stages, auth_s)
        if database.dialect == "postgresql":
            steady = Database(database_url)
            _generic_plans(steady)
            try:
                breakdown = _in_situ(steady, corpus.body(generic), actor, profile, stages, auth_s)
            finally:
                steady.dispose()
            breakdown["plans"] = "generic, as on a long-lived server connection (see _generic_plans)"
            out["where_the_time_goes_generic_plans"] = breakdown
            out["where_the_time_goes"]["plans"] = "custom (fresh connection, first executions of each statement)"
        out["cprofile_top_by_own_time"] = _cprofile(database, corpus.envelopes(profiled), actor, profile)
        out["single_writ_in_process"] = _single_writs(database, corpus.envelopes(singles)[:SINGLE_WRITS], court,
                                                      profile)
    finally:
        database.dispose()
    return out


def _single_writs(database: Database, envelopes: list[Any], court: Court, profile: Any) -> dict[str, Any]:
    """What POST /api/v1/writs does per request, minus HTTP: token lookup, register_batch([one]), commit."""
    totals: list[float] = []
    with _instrumented(database) as acc:
        for envelope in envelopes:
            t0 = time.perf_counter()
            with database.reading() as session:
                actor = orgs.authenticate(session=session, token=court.token)
            t1 = time.perf_counter()
            batch_s, commit_s, _ = _register(database, [envelope], actor, profile)
            totals.append((time.perf_counter() - t0) * 1000)
            acc["auth"] += t1 - t0
            acc["register_batch"] += batch_s
            acc["commit"] += commit_s
    n = len(envelopes)
    per = 1000 / n  # seconds in total -> milliseconds per request
    db = {k.split(":", 2)[2]: round(v * per, 3) for k, v in sorted(acc.items(), key=lambda kv: -kv[1])
          if k.startswith("db:store:")}
    return {
        "requests": n,
        "total_ms": summary(totals, 3),
        "mean_ms_per_request": {
            "auth_token_lookup (own read session)": round(acc["auth"] * per, 3),
            "register_batch": round(acc["register_batch"] * per, 3),
            "of_which_prepare": round(acc["_prepare"] * per, 3),
            "of_which_store": round(acc["_store"] * per, 3),
            "of_which_store_db_driver_time": round(sum(db.values()), 3),
            "commit": round(acc["commit"] * per, 3),
        },
        "store_db_driver_time_by_statement_ms": db,
    }


def _breakdown(stages: dict[str, float], acc: dict[str, float], batch_s: float, commit_s: float,
               render_s: float, auth_s: float) -> dict[str, Any]:
    per = 1e6 / BATCH
    prepare_us = acc["_prepare"] * per
    store_us = acc["_store"] * per
    db = {k.split(":", 2)[2]: round(v * per, 2) for k, v in sorted(acc.items(), key=lambda kv: -kv[1])
          if k.startswith("db:store:")}
    db_store_us = sum(db.values())
    leaf_json_us = acc["canonical_json:store"] * per
    isolated = ("envelope_pydantic_validate", "rfc8785_canonical_document", "signature_base64_decode",
                "ed25519_load_der_public_key", "ed25519_verify", "sha256_document",
                "writ_document_pydantic_validate", "legal_rules_document_errors")
    lookup_us = batch_s * 1e6 / BATCH - prepare_us - store_us
    components = {
        "request_body_orjson_parse": stages["request_body_orjson_parse"],
        "auth_token_lookup (one query per request)": auth_s * per,
        **{f"prepare.{name}": stages[name] for name in isolated},
        "prepare.other (in-situ _prepare minus the isolated steps)": prepare_us - sum(stages[n] for n in isolated),
        "register_batch.key_lookup_query": lookup_us,
        "store.rfc8785_canonical_leaves": leaf_json_us,
        "store.db_driver_time (all statements)": db_store_us,
        "store.python (rows, audit, outbox, SQLAlchemy bind/compile)": store_us - db_store_us - leaf_json_us,
        "commit": commit_s * per,
        "response_as_json_and_JSONResponse_render": render_s * per,
    }
    total = sum(components.values())
    return {
        "unit": "microseconds per writ, batch of 1,000, one thread, no profiler",
        "method": ("isolated prepare steps: median of 3 passes over the same 1,000 envelopes; the rest "
                   "measured in-situ during one register_batch + commit of those envelopes"),
        "total_in_process_us_per_writ": round(total, 1),
        "implied_single_core_writs_per_s": round(1e6 / total, 1),
        "components": {k: {"us_per_writ": round(v, 2), "share": round(v / total, 3)}
                       for k, v in sorted(components.items(), key=lambda kv: -kv[1])},
        "prepare_total_in_situ_us_per_writ": round(prepare_us, 1),
        "store_total_in_situ_us_per_writ": round(store_us, 1),
        "store_db_driver_time_by_statement_us_per_writ": db,
    }


def _cprofile(database: Database, envelopes: list[Any], actor: Any, profile: Any,
              limit: int = 20) -> list[dict[str, Any]]:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        _register(database, envelopes, actor, profile)
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in raw.items():
        rows.append({"function": f"{_short(filename)}:{line}({name})", "calls": calls,
                     "own_ms": round(own * 1000, 2), "cumulative_ms": round(cumulative * 1000, 2),
                     "own_share": round(own / total, 3) if total else None})
    rows.sort(key=lambda r: -r["own_ms"])
    return rows[:limit]


def _short(filename: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
