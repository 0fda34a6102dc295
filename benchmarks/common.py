"""Small helpers shared by the benchmark modules: progress, percentiles, memory, environment."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, so that stdout carries nothing but the final JSON document."""
    print(f"[bench {time.monotonic() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sample."""
    if not values:
        raise ValueError("percentile of an empty sample")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (pos - low))


def summary(values: Sequence[float], digits: int = 3) -> dict[str, Any]:
    """p50, p99, max and count of a sample (all in the unit of the sample)."""
    return {"n": len(values), "p50": round(percentile(values, 50), digits),
            "p99": round(percentile(values, 99), digits), "max": round(max(values), digits)}


def vm_hwm_kib(pid: int | str = "self") -> int | None:
    """Peak resident set size (VmHWM) of a process in KiB, None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def process_group_members(pgid: int) -> list[int]:
    """Pids whose process group is `pgid`: the server and every worker it forked or spawned."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command name: state, ppid, pgrp, ...
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:
            members.append(int(entry.name))
    return sorted(members)


def mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def client_peak_rss_mib() -> float | None:
    """Peak RSS of this benchmark process (the HTTP client and the in-process measurements)."""
    return mib(vm_hwm_kib())


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def environment(postgres_version: str | None) -> dict[str, Any]:
    """What the figures were measured on; load averages show whether the machine was busy."""
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "date": utc_now_iso(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": mem_total,
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlite_version": sqlite3.sqlite_version,
        "postgresql_server_version": postgres_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": _package_versions(),
    }


def _package_versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for name in ("bailiff", "fastapi", "uvicorn", "pydantic", "SQLAlchemy", "psycopg", "rfc8785",
                 "cryptography", "orjson", "httpx"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu_s(pid: int | str) -> float:
    """utime + stime of one process (all its threads), in seconds; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def cpu_snapshot(server_pgid: int | None = None, db_name: str | None = None) -> dict[str, float]:
    """Cumulative CPU seconds: whole machine (busy), this process, the server group, PostgreSQL.

    The machine is shared (other people's tests may run during a benchmark): the difference
    between two snapshots shows how much CPU went to processes that are not part of the
    measurement, which is the honest caveat to print next to a throughput figure.
    """
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[:8])
    postgres = postgres_bench = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                cpu = _proc_cpu_s(entry.name)
                # A backend's title reads "postgres: [cluster:] user dbname host(port) state".
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").split()
            except OSError:
                continue
            postgres += cpu
            if db_name and db_name.encode() in title:
                postgres_bench += cpu
    server = sum(_proc_cpu_s(pid) for pid in process_group_members(server_pgid)) if server_pgid else 0.0
    # Steal is time the hypervisor gave to other guests: not work done here, reported apart.
    return {"wall": time.monotonic(), "busy": (user + nice + system + irq + softirq) / _TICK,
            "steal": steal / _TICK, "client": _proc_cpu_s("self"),
            "server": server, "postgres": postgres,
            "postgres_bench": postgres_bench}


def cpu_usage(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
    """CPU seconds spent between two snapshots, by whom; "other" is everything not measured."""
    spent = {k: after[k] - before[k] for k in before}
    other = max(0.0, spent["busy"] - spent["client"] - spent["server"] - spent["postgres"])
    cores = os.cpu_count() or 1
    return {"wall_s": round(spent["wall"], 2), "cores": cores,
            "machine_busy_cpu_s": round(spent["busy"], 2), "hypervisor_steal_s": round(spent["steal"], 2),
            "server_cpu_s": round(spent["server"], 2),
            "postgres_cpu_s": round(spent["postgres"], 2),
            "postgres_benchmark_database_backends_cpu_s": round(spent["postgres_bench"], 2),
            "client_cpu_s": round(spent["client"], 2),
            "other_processes_cpu_s": round(other, 2),
            "other_processes_share_of_machine": round(other / (spent["wall"] * cores), 3) if spent["wall"] else None}
