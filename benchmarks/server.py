"""The real server as a separate process: `bailiff serve` on a free loopback port.

Started in a session of its own so that its uvicorn workers share its process group: the peak
memory of every server process can be read, and stopping signals exactly that group (by the id
we started) and nothing else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from benchmarks.common import log, mib, process_group_members, vm_hwm_kib

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`with Server(url, data_dir, workers) as server:` starts it, waits for /healthz, stops it."""

    def __init__(self, database_url: str, data_dir: Path, workers: int = 1) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, BAILIFF_DATABASE_URL=self.database_url, BAILIFF_DATA_DIR=str(self.data_dir))
        bailiff = Path(sys.executable).parent / "bailiff"
        cmd = [str(bailiff), "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(self.workers)]
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    # With several workers every one must be up, or the first batches would
                    # measure a half-started server; they share the port, so wait for the count.
                    if self.workers == 1 or len(self.worker_pids()) >= self.workers:
                        return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not answer /healthz within {START_TIMEOUT:.0f} s: {self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """Pids of the processes that serve requests (the supervisor excluded when workers > 1)."""
        assert self.proc is not None
        members = process_group_members(self.proc.pid)
        if self.workers == 1:
            return [self.proc.pid]
        return [pid for pid in members if pid != self.proc.pid and _is_worker(pid)]

    def peak_rss(self) -> dict[str, object]:
        """VmHWM of every process of the server's group, in MiB (peaks, so the sum is an upper bound)."""
        assert self.proc is not None
        peaks = {pid: mib(vm_hwm_kib(pid)) for pid in process_group_members(self.proc.pid)}
        roles = {pid: self._role(pid) for pid in peaks}
        serving = [peak for pid, peak in peaks.items() if roles[pid] == "serving" and peak is not None]
        return {"max_serving_process_mib": max(serving) if serving else None,
                "sum_all_processes_mib": round(sum(peak or 0.0 for peak in peaks.values()), 1),
                "processes": [{"pid": pid, "role": roles[pid], "peak_rss_mib": peak} for pid, peak in peaks.items()]}

    def _role(self, pid: int) -> str:
        assert self.proc is not None
        if self.workers == 1:
            return "serving" if pid == self.proc.pid else "other"
        if pid == self.proc.pid:
            return "supervisor"
        return "serving" if _is_worker(pid) else "other"

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL it if it lingers; always reaps the child."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session made the server the leader of its own group
        for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, STOP_TIMEOUT)):
            if self.proc.poll() is not None and not process_group_members(pgid):
                break
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self.proc.poll() is not None and not process_group_members(pgid):
                    break
                time.sleep(0.1)
            else:
                log(f"server group {pgid} still alive after {sig.name}")
                continue
            break
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log(f"server {pgid} could not be reaped")
        self.proc = None


def _is_worker(pid: int) -> bool:
    """uvicorn's spawned workers run multiprocessing's spawn_main; its resource tracker does not serve."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"spawn_main" in cmdline
