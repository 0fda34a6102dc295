"""Real processes on loopback: `bailiff serve`, `bailiff worker`, the CLI, a browser."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BACKENDS, fresh_database_url

BAILIFF = [sys.executable, "-m", "bailiff.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Deployment:
    """One database and data directory, and the processes started against them."""

    database_url: str
    data_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "BAILIFF_DATABASE_URL": self.database_url, "BAILIFF_DATA_DIR": str(self.data_dir)}

    def cli(self, *args: str, check: bool = True, timeout: float = 300,
            env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run `bailiff ARGS` as a separate process."""
        result = subprocess.run([*BAILIFF, *args], env={**self.env, **(env_extra or {})}, capture_output=True,
                                text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"bailiff {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result

    def start_server(self, port: int | None = None, env_extra: dict[str, str] | None = None) -> str:
        """Start `bailiff serve` and wait until it answers; returns its base URL."""
        port = port or free_port()
        proc = subprocess.Popen([*BAILIFF, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env={**self.env, **(env_extra or {})},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.processes.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    return url
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("server did not start within 60 s")

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def add_court(self, code: str) -> dict[str, Any]:
        """Keys and registration of a court through the CLI; returns paths and token."""
        keys = self.data_dir / "keys" / code
        self.cli("keys", "generate", "--out", str(keys))
        org = json.loads(self.cli("org", "add", "--kind", "court", "--code", code, "--name", f"Суд {code}",
                                  "--public-key", str(keys / "public.pem")).stdout)
        return {"keys": keys, "token": org["token"], "code": code}

    def stop_all(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


@pytest.fixture(params=BACKENDS)
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    tag = request.node.name.split("[")[0].removeprefix("test_")[:20]
    d = Deployment(fresh_database_url(request.param, tmp_path, f"e2e_{tag}"), tmp_path / "data")
    try:
        yield d
    finally:
        d.stop_all()
