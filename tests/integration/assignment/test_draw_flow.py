"""A presented writ becomes a proceeding with a drawn bailiff that an outside auditor can recompute."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from urllib.parse import quote

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bailiff.assignment import draws, service as assignment
from bailiff.assignment.auditor import AssignmentAuditor
from bailiff.assignment.models import Assignment, BeaconChain
from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN
from bailiff.core import translog
from bailiff.core.audit import AuditEvent
from bailiff.core.db import Database
from bailiff.core.errors import Forbidden
from bailiff.identity.identifiers import make_inn_person
from bailiff.jurisdictions import load_profile
from bailiff.core.worker import run_once
from bailiff.proceedings.handlers import chain_store
from bailiff.proceedings.models import Proceeding
from bailiff.subscriptions import all_handlers
from tests.conftest import Issuer

pytestmark = pytest.mark.xdist_group("outbox")  # drains the shared outbox


def make_office(database: Database, capacities: list[int]) -> tuple[str, list[str]]:
    office = f"T{uuid.uuid4().hex[:8]}"
    ids = [f"{office}-{n:03d}" for n in range(1, len(capacities) + 1)]
    with database.transaction() as session:
        assignment.add_office(session=session, office_id=office, name=f"Отдел {office}", region="77",
                              regions=load_profile("ru").regions, kind="department", actor=CLI_ADMIN)
        for n, (bailiff_id, capacity) in enumerate(zip(ids, capacities, strict=True)):
            assignment.add_bailiff(session=session, bailiff_id=bailiff_id, name=f"Пристав {n}", office_id=office,
                                   capacity=capacity, head=n == 0, actor=CLI_ADMIN)
    return office, ids


def present(client: TestClient, court: Issuer, bailiffs: Issuer, office: str, *, own_debtor: bool = False) -> str:
    """Register and present the example writ; `own_debtor` gives it a debtor of its own (a fresh INN), so
    that it is not consolidated with the others (229-FZ art. 34)."""
    changes = {}
    if own_debtor:
        debtor = {**court.document()["debtors"][0], "identifiers": {"inn": make_inn_person(random.Random())}}
        changes["debtors"] = [debtor]
    number = client.post("/api/v1/writs", json=court.envelope(**changes), headers=court.headers).json()["register_number"]
    response = client.post(f"/api/v1/writs/{number}/transitions", headers=bailiffs.headers,
                           json={"action": "present", "reason": "presented by the creditor", "department": office})
    assert response.status_code == 200, response.text
    return number


def drain(database: Database, settings: Settings) -> None:
    handlers = all_handlers(database, settings)
    while run_once(database, handlers):
        pass


def proceeding_of(database: Database, register_number: str) -> Proceeding:
    with database.reading() as session:
        found = session.scalar(select(Proceeding).where(Proceeding.register_number == register_number)
                               .order_by(Proceeding.opened_at.desc(), Proceeding.seq.desc()).limit(1))
    assert found is not None
    return found


def test_presented_writ_is_opened_assigned_and_recomputable(client: TestClient, database: Database,
                                                             settings: Settings, court: Issuer,
                                                             bailiffs: Issuer) -> None:
    office, ids = make_office(database, [5, 10, 20])
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    proceeding = proceeding_of(database, register_number)
    assert proceeding.office_id == office and proceeding.status == "open"
    assert proceeding.number.endswith(f"/{office}-ИП")
    writ = client.get(f"/api/v1/writs/{register_number}/verification").json()
    assert writ["status"] == "in_execution"

    record = client.get("/api/v1/assignments/" + quote(proceeding.number, safe=""))
    assert record.status_code == 200, record.text
    body = record.json()
    assert body["status"] == "drawn" and body["bailiff"]["bailiff_id"] in ids
    assert [e["bailiff_id"] for e in body["eligible"]] == sorted(ids)
    assert [e["weight"] for e in body["eligible"]] == [5, 10, 20]  # spare capacity
    assert body["beacon"]["anchor_leaf"] < body["commit"]["leaf_index"] < body["beacon"]["reveal_leaf"]
    assert proceeding.number in [a["proceeding_number"] for a in client.get("/api/v1/assignments?limit=500").json()["assignments"]]

    view = client.get("/api/v1/proceedings/" + quote(proceeding.number, safe=""), headers=bailiffs.headers)
    assert view.status_code == 200 and view.json()["bailiff_id"] == body["bailiff"]["bailiff_id"]
    assert client.get("/api/v1/proceedings/" + quote(proceeding.number, safe=""),
                      headers=court.headers).status_code == 403

    report = AssignmentAuditor("http://testserver", client=client).verify(proceeding.number)
    assert report.ok, report.checks
    assert {"result.recomputed", "beacon.chain", "beacon.order", "commit.inclusion"} <= {c["check"] for c in report.checks}

    # A steered record (someone rewrote the chosen bailiff in the database) no longer recomputes.
    other = next(i for i in ids if i != body["bailiff"]["bailiff_id"])
    with database.transaction() as session:
        session.execute(update(Assignment).where(Assignment.proceeding_number == proceeding.number)
                        .values(bailiff_id=other))
    steered = AssignmentAuditor("http://testserver", client=client).verify(proceeding.number)
    assert not steered.ok
    assert [c["check"] for c in steered.checks if not c["ok"]] == ["result.recomputed"]


def test_suspended_head_and_full_bailiffs_are_not_eligible(client: TestClient, database: Database,
                                                           settings: Settings, court: Issuer,
                                                           bailiffs: Issuer) -> None:
    office, ids = make_office(database, [4, 3, 2])
    today = date.today()
    with database.transaction() as session:
        row = assignment.file_unavailability(session=session, bailiff_id=ids[0], kind="suspension",
                                             starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=5),
                                             reason="chairs the disciplinary commission this week", actor=CLI_ADMIN)
        assert row.leaf_index >= 0
    with database.transaction() as session, pytest.raises(Forbidden, match="only heads"):
        assignment.file_unavailability(session=session, bailiff_id=ids[1], kind="suspension", starts_on=today,
                                       ends_on=today, reason="not a head", actor=CLI_ADMIN)
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    number = proceeding_of(database, register_number).number
    body = client.get("/api/v1/assignments/" + quote(number, safe="")).json()
    assert [e["bailiff_id"] for e in body["eligible"]] == ids[1:]


def test_an_office_with_no_one_free_is_recorded_not_drawn(client: TestClient, database: Database,
                                                          settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [1])
    with database.transaction() as session:
        assignment.file_unavailability(session=session, bailiff_id=ids[0], kind="absence", starts_on=date.today(),
                                       ends_on=date.today() + timedelta(days=14), reason="annual leave",
                                       actor=CLI_ADMIN)
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    number = proceeding_of(database, register_number).number
    assert client.get("/api/v1/assignments/" + quote(number, safe="")).status_code == 404
    with database.reading() as session:
        reasons = session.scalars(select(AuditEvent.reason).where(AuditEvent.action == "assignment.no_eligible",
                                                                  AuditEvent.subject_id == number)).all()
    assert reasons == [f"no bailiff of {office} can take a case"]


def test_the_beacon_is_anchored_once_by_the_worker_start(database: Database, settings: Settings) -> None:
    """`bailiff worker` anchors the beacon at start; a second start (or a first draw) uses that chain."""
    store = chain_store(settings)
    with database.transaction() as session:
        source, anchor_leaf = assignment.anchor_beacon(session=session, store=store)
    with database.transaction() as session:
        assert assignment.anchor_beacon(session=session, store=store) == (source, anchor_leaf)
        chain = session.scalar(select(BeaconChain).where(BeaconChain.source == source))
        leaf = orjson.loads(translog.leaf(session, anchor_leaf))
    assert chain is not None and chain.anchor_leaf == anchor_leaf
    assert leaf["event"] == "beacon.anchored" and leaf["beacon"] == source and leaf["anchor"] == chain.anchor.hex()


def test_a_draw_updates_the_objects_the_session_holds(database: Database, settings: Settings) -> None:
    # draw_pending reads and writes plain rows; an Assignment the caller's session already holds
    # must say what the database says afterwards, not what it said before the draw.
    office, ids = make_office(database, [3, 5])
    number = f"{uuid.uuid4().hex[:8]}/26/{office}-ИП"
    store = chain_store(settings)
    with database.transaction() as session:
        assert assignment.commit(session=session, store=store, actor=CLI_ADMIN,
                                 requests=[assignment.Request(number, office)]) == {}
    with database.transaction() as session:
        held = session.scalar(select(Assignment).where(Assignment.proceeding_number == number))
        assert held is not None and held.status == "committed" and held.bailiff_id is None
        drawn = {d.proceeding_number: d for d in draws.draw_pending(session=session, store=store, actor=CLI_ADMIN)}
        mine = drawn[number]
        assert (held.status, held.bailiff_id, held.ctr, held.r, held.result_leaf) == (
            "drawn", mine.bailiff_id, mine.ctr, mine.r, mine.result_leaf)
    with database.reading() as session:
        stored = session.scalar(select(Assignment).where(Assignment.proceeding_number == number))
    assert stored is not None and stored.bailiff_id in ids
    assert (stored.status, stored.bailiff_id, stored.ctr, stored.r, stored.result_leaf, stored.seq) == (
        "drawn", mine.bailiff_id, mine.ctr, mine.r, mine.result_leaf, mine.seq)
    # The result leaf is the one the log holds for this draw.
    with database.reading() as session:
        leaf = orjson.loads(translog.leaf(session, mine.result_leaf))
    assert (leaf["event"], leaf["proceeding"], leaf["bailiff_id"], leaf["commit_leaf"]) == (
        "assignment.drawn", number, mine.bailiff_id, mine.commit_leaf)
