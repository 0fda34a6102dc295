"""Draws seeded by a drand network: the service commits to a round not yet published, fetches it from a
relay over HTTP, verifies its BLS signature before use, and an auditor recomputes the draw with its own
pinned key. The relay is a separate process serving a test chain (tests/support/drand_relay.py); the
real quicknet's published rounds are checked against its real key in the unit tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from bailiff.app import create_app
from bailiff.assignment.auditor import AssignmentAuditor
from bailiff.assignment.beacon import BeaconError
from bailiff.assignment.beacons import beacon_store
from bailiff.config import Settings
from bailiff.core.db import Database, upgrade
from tests.conftest import fresh_database_url, make_org
from tests.e2e.conftest import free_port
from tests.integration.assignment.test_draw_flow import drain, make_office, present, proceeding_of
from tests.support.drand_relay import chain_hash, public_key

pytestmark = pytest.mark.xdist_group("outbox")
SECRET = 20261123


@pytest.fixture(scope="module")
def relay() -> Iterator[tuple[str, int]]:
    port, genesis = free_port(), int(time.time()) - 30
    process = subprocess.Popen([sys.executable, "-m", "tests.support.drand_relay", "--port", str(port),
                                "--secret", str(SECRET), "--genesis", str(genesis), "--period", "1"],
                               cwd=Path(__file__).resolve().parents[3])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/{chain_hash(SECRET)}/info", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    yield url, genesis
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def deployment(relay: tuple[str, int], backend: str, data_dir: Path) -> Iterator[tuple[TestClient, Database, Settings]]:
    url = fresh_database_url(backend, data_dir, "drand")
    upgrade(url)
    database = Database(url)
    settings = Settings(data_dir=data_dir / "drand", database_url=url, jurisdiction="ru", beacon="drand",
                        drand_url=relay[0], drand_chain=chain_hash(SECRET), drand_public_key=public_key(SECRET).hex(),
                        drand_genesis=relay[1], drand_period=1)
    with TestClient(create_app(settings, database)) as client:
        yield client, database, settings
    database.dispose()


def test_a_draw_uses_a_verified_drand_round_published_after_the_commitment(deployment) -> None:  # noqa: ANN001
    client, database, settings = deployment
    court, bailiffs = make_org(database, "court"), make_org(database, "bailiff_service")
    office, ids = make_office(database, [10, 20, 30])
    number = proceeding_of(database, (present(client, court, bailiffs, office), drain(database, settings))[0]).number
    record = client.get("/api/v1/assignments/" + quote(number, safe="")).json()
    assert record["status"] == "drawn" and record["bailiff"]["bailiff_id"] in ids
    assert record["beacon"]["source"] == f"drand:{chain_hash(SECRET)}" and record["beacon"]["kind"] == "drand"

    trusting = AssignmentAuditor("http://testserver", client=client, drand_keys={chain_hash(SECRET): public_key(SECRET)})
    report = trusting.verify(number)
    assert report.ok, report.checks
    assert {"beacon.drand_signature", "beacon.drand_key", "beacon.order", "result.recomputed"} <= {
        c["check"] for c in report.checks}
    # An auditor that does not pin this chain's key refuses to trust the server's word for it.
    doubting = AssignmentAuditor("http://testserver", client=client).verify(number)
    assert {c["check"] for c in doubting.checks if not c["ok"]} == {"beacon.drand_key", "beacon.drand_signature"}


def test_a_relay_that_answers_with_another_key_is_refused(relay: tuple[str, int], deployment) -> None:  # noqa: ANN001
    _, _, settings = deployment
    # The same relay, but the deployment pins another key: the fetched round does not verify.
    wrong = beacon_store(replace(settings, drand_public_key=public_key(SECRET + 1).hex()))
    published = wrong.chain.round_at(time.time())
    with pytest.raises(BeaconError, match="does not verify"):
        wrong.reveal(wrong.chain.source, wrong.chain.anchor, published)
    # A round not published yet is not served (the relay answers 425 Too Early).
    with pytest.raises(BeaconError, match="not available"):
        beacon_store(settings).reveal(wrong.chain.source, wrong.chain.anchor, published + 100)
