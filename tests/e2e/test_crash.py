"""Kill the server (SIGKILL) in the middle of a batch intake, and the sender too: nothing is lost or doubled."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bailiff.core.db import Database
from bailiff.register.models import Writ
from tests.e2e.conftest import BAILIFF, Deployment
from tests.e2e.corpus import write_corpus

TOTAL = 6000


def tree_size(server: str) -> int:
    try:
        return httpx.get(server + "/api/v1/log/tree-head", timeout=5).json()["tree_size"]
    except httpx.TransportError:
        return -1


def wait_for(condition, seconds: float = 120) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_sigkill_during_batch_intake(deployment: Deployment, tmp_path: Path) -> None:
    court = deployment.add_court("MS-77-0042")
    key = court["keys"] / "private.pem"
    first = write_corpus(tmp_path / "first.jsonl", code=court["code"], key_path=key, count=200, seed=7)
    big = write_corpus(tmp_path / "big.jsonl", code=court["code"], key_path=key, count=TOTAL, seed=8, start=10_000)
    server = deployment.start_server()
    port = int(server.rsplit(":", 1)[1])
    deployment.cli("intake", str(first), "--server", server, "--token", court["token"])
    saved_head = tmp_path / "head-before-crash.json"
    deployment.cli("verify", "--server", server, "--save-tree-head", str(saved_head))
    assert json.loads(saved_head.read_text())["tree_size"] == 200

    sender = subprocess.Popen([*BAILIFF, "intake", str(big), "--server", server, "--token", court["token"],
                               "--batch-size", "250"], env=deployment.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    deployment.processes.append(sender)
    # Crash the server while batches are flowing.
    wait_for(lambda: tree_size(server) >= 200 + 1000)
    deployment.kill(deployment.processes[0], signal.SIGKILL)
    deployment.start_server(port)  # the sender keeps retrying and carries on by itself
    size_at_crash = tree_size(server)
    assert 200 + 1000 <= size_at_crash < 200 + TOTAL
    # Now kill the sender itself mid-way, and resume with the same command.
    wait_for(lambda: tree_size(server) >= size_at_crash + 1000)
    deployment.kill(sender, signal.SIGKILL)
    resumed = deployment.cli("intake", str(big), "--server", server, "--token", court["token"],
                             "--batch-size", "250")
    summary = json.loads(resumed.stdout)
    assert summary["lines"] == TOTAL and summary["rejected"] == 0
    # Everything registered exactly once: one row and one leaf per document.
    database = Database(deployment.database_url)
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Writ)) == 200 + TOTAL
        assert session.scalar(select(func.count(func.distinct(Writ.document_hash)))) == 200 + TOTAL
    database.dispose()
    assert tree_size(server) == 200 + TOTAL
    # The log before the crash is a prefix of the log after it.
    result = deployment.cli("verify", "--server", server, "--tree-head", str(saved_head))
    assert json.loads(result.stdout.splitlines()[-1])["ok"] is True
