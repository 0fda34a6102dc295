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
