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
from bailiff.assignment.drand import DrandChain
from bailiff.config import Settings
from bailiff.proceedings.handlers import draw_committed
from bailiff.core.db import Database, upgrade
from bailiff.core.worker import run_once
from bailiff.subscriptions import all_handlers
from tests.conftest import fresh_database_url, make_org
from tests.e2e.conftest import free_port
from tests.integration.assignment.test_draw_flow import make_office, present, proceeding_of
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
                        drand_genesis=relay[1], drand_period=1, drand_margin_seconds=2)
    with TestClient(create_app(settings, database)) as client:
        yield client, database, settings
    database.dispose()


def test_a_draw_uses_a_verified_drand_round_published_after_the_commitment(deployment) -> None:  # noqa: ANN001
    client, database, settings = deployment
    court, bailiffs = make_org(database, "court"), make_org(database, "bailiff_service")
    office, ids = make_office(database, [10, 20, 30])
    register_number = present(client, court, bailiffs, office)
    # Open and commit, but do not draw yet: the worker's handlers without the draw.
    opening = {t: h for t, h in all_handlers(database, settings).items() if t != "assignment.committed"}
    while run_once(database, opening):
        pass
    number = proceeding_of(database, register_number).number
    assert client.get("/api/v1/assignments/" + quote(number, safe="")).json()["status"] == "committed"
    before = client.get("/api/v1/log/tree-head").json()  # an auditor saves a head while the round is ahead
    draw_committed(database, settings, [])  # the worker's draw: waits for the round, then draws every pending one
    record = client.get("/api/v1/assignments/" + quote(number, safe="")).json()
    assert record["status"] == "drawn" and record["bailiff"]["bailiff_id"] in ids
    assert record["beacon"]["source"] == f"drand:{chain_hash(SECRET)}" and record["beacon"]["kind"] == "drand"

    chain = DrandChain(chain_hash(SECRET), public_key(SECRET), settings.drand_genesis, settings.drand_period)
    trusting = AssignmentAuditor("http://testserver", client=client, drand_chains={chain.chain_hash: chain},
                                 saved_head=before)
    report = trusting.verify(number)
    assert report.ok, report.checks
    assert {"beacon.drand_signature", "beacon.drand_chain", "beacon.order", "beacon.committed_before_round",
            "result.recomputed", "saved_tree_head.signature"} <= {c["check"] for c in report.checks}
    # A head saved after the round proves nothing about the order.
    after = client.get("/api/v1/log/tree-head").json()
    late = AssignmentAuditor("http://testserver", client=client, drand_chains={chain.chain_hash: chain},
                             saved_head=after).verify(number)
    assert [c["check"] for c in late.checks if not c["ok"]] == ["beacon.committed_before_round"]
    # An auditor that does not pin this chain refuses to trust the server's word for it.
    doubting = AssignmentAuditor("http://testserver", client=client).verify(number)
    assert {c["check"] for c in doubting.checks if not c["ok"]} == {"beacon.drand_chain", "beacon.drand_signature"}
    # Nor one that pins another genesis than the server logged.
    shifted = replace(chain, genesis=chain.genesis - 1)
    moved = AssignmentAuditor("http://testserver", client=client, drand_chains={chain.chain_hash: shifted}).verify(number)
    assert "beacon.drand_chain" in {c["check"] for c in moved.checks if not c["ok"]}


def test_drand_settings_are_checked(deployment) -> None:  # noqa: ANN001
    _, _, settings = deployment
    with pytest.raises(ValueError, match="BAILIFF_DRAND_PERIOD"):
        beacon_store(replace(settings, drand_period=0))
    with pytest.raises(ValueError, match="BAILIFF_DRAND_PUBLIC_KEY"):
        beacon_store(replace(settings, drand_public_key="zz"))


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
