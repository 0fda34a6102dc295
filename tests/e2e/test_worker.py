"""The outbox worker delivers signed receipts to a court's callback URL, retrying until it answers."""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bailiff.core.crypto import SCHEMES, public_der_from_pem
from tests.conftest import EXAMPLE
from tests.e2e.conftest import Deployment, free_port


class Receiver:
    """A court's receiving endpoint: fails the first `failures` posts, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(503)
                else:
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/receipts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_worker_delivers_signed_receipt_after_failures(deployment: Deployment, tmp_path: Path) -> None:
    receiver = Receiver(failures=1)
    try:
        keys = deployment.data_dir / "keys"
        deployment.cli("keys", "generate", "--out", str(keys))
        org = json.loads(deployment.cli("org", "add", "--kind", "court", "--code", "MS-77-0123", "--name", "Суд",
                                        "--public-key", str(keys / "public.pem"),
                                        "--callback-url", receiver.url).stdout)
        envelope = deployment.cli("writ", "sign", "--key", str(keys / "private.pem"), str(EXAMPLE)).stdout
        server = deployment.start_server()
        registered = httpx.post(server + "/api/v1/writs", content=envelope,
                                headers={"Authorization": f"Bearer {org['token']}"}).json()
        # First run: the court's endpoint answers 503, the event stays queued for a retry.
        deployment.cli("worker", "--once", env_extra={"BAILIFF_OUTBOX_MAX_ATTEMPTS": "5"})
        assert len(receiver.received) == 1
        # Retries are delayed with backoff; a later run (after the delay) delivers it.
        _make_due(deployment)
        deployment.cli("worker", "--once", "--batch", "1")  # one event leased at a time, until none is due
        assert len(receiver.received) == 2
        headers, body = receiver.received[-1]
        event = json.loads(body)
        assert event["topic"] == "writ.registered"
        assert event["payload"]["register_number"] == registered["register_number"]
        assert headers["Bailiff-Event-Key"] == f"writ.registered:{registered['register_number']}"
        assert receiver.received[0][0]["Bailiff-Event-Key"] == headers["Bailiff-Event-Key"]  # stable across retries
        signature = base64.b64decode(re.search(r'sig="([^"]+)"', headers["Bailiff-Signature"]).group(1))
        service_key = httpx.get(server + "/api/v1/log/public-key").json()["public_key_pem"].encode()
        assert SCHEMES["Ed25519"].verify(public_der_from_pem(service_key), signature, body)
        # Delivered events are not sent again.
        deployment.cli("worker", "--once")
        assert len(receiver.received) == 2
        # Each start anchors the beacon unless it is anchored: three starts, one chain (its secret is
        # in the data folder, where each new process finds it).
        assert _anchored_chains(deployment) == 1
    finally:
        receiver.server.shutdown()


def _make_due(deployment: Deployment) -> None:
    """Skip the backoff wait: make every queued retry due now (as time passing would)."""
    from sqlalchemy import update

    from bailiff.core.clock import utcnow
    from bailiff.core.db import Database
    from bailiff.core.outbox import OutboxEvent

    database = Database(deployment.database_url)
    with database.transaction() as session:
        session.execute(update(OutboxEvent).where(OutboxEvent.delivered_at.is_(None)).values(available_at=utcnow()))
    database.dispose()


def _anchored_chains(deployment: Deployment) -> int:
    """Beacon chains anchored in the log, each with its `beacon.anchored` leaf checked."""
    from sqlalchemy import select

    from bailiff.assignment.models import BeaconChain
    from bailiff.core import translog
    from bailiff.core.db import Database

    database = Database(deployment.database_url)
    with database.reading() as session:
        chains = list(session.scalars(select(BeaconChain)))
        for chain in chains:
            leaf = json.loads(translog.leaf(session, chain.anchor_leaf))
            assert leaf["event"] == "beacon.anchored" and leaf["anchor"] == chain.anchor.hex()
    database.dispose()
    return len(chains)
