"""Nobody steers a draw: an administrator neither applies for a change of bailiff nor decides their own
application, and a proceeding that ends before its draw is not drawn (no workload for a closed case)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bailiff.assignment import changes, draws
from bailiff.assignment.models import Assignment, Bailiff
from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN
from bailiff.core.db import Database
from bailiff.core.errors import Forbidden
from bailiff.core.worker import run_once
from bailiff.proceedings.handlers import chain_store
from bailiff.proceedings.service import OPENER
from bailiff.subscriptions import all_handlers
from tests.conftest import Issuer, make_org
from tests.integration.assignment.test_draw_flow import drain, make_office, present, proceeding_of

pytestmark = pytest.mark.xdist_group("outbox")
TERMINATED = "229-FZ art. 43 part 2 s.1: the debtor died"


def _drain_without_draws(database: Database, settings: Settings) -> None:
    handlers = {t: h for t, h in all_handlers(database, settings).items() if t != "assignment.committed"}
    while run_once(database, handlers):
        pass


def _open_cases(database: Database, ids: list[str]) -> list[int]:
    with database.reading() as session:
        return [session.get(Bailiff, i).open_cases for i in ids]


def test_an_administrator_cannot_apply_and_an_applicant_cannot_decide(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [10, 10])
    writ = present(client, court, bailiffs, office, own_debtor=True)
    drain(database, settings)
    number = proceeding_of(database, writ).number
    admin = make_org(database, "admin")
    refused = client.post("/api/v1/change-applications", headers=admin.headers,
                          json={"proceeding_number": number, "reason": "хочу другого"})
    assert refused.status_code == 403, refused.text
    with database.transaction() as session:
        with pytest.raises(Forbidden):
            changes.file_application(session=session, proceeding_number=number, reason="x", actor=CLI_ADMIN)
    claimant = make_org(database, "claimant")
    filed = client.post("/api/v1/change-applications", headers=claimant.headers,
                        json={"proceeding_number": number, "reason": "бездействие"})
    assert filed.status_code == 201, filed.text
    with database.transaction() as session:
        application = session.get(changes.ChangeApplication, filed.json()["id"])
        mine = type(CLI_ADMIN)(kind=CLI_ADMIN.kind, ident=CLI_ADMIN.ident, role="commission", org_id=None)
        application.filed_by = mine.label  # as if the decider had filed it
    with database.transaction() as session, pytest.raises(Forbidden) as own:
        changes.decide_application(session=session, application_id=filed.json()["id"], grant=True, reason="да",
                                   actor=mine, store=chain_store(settings))
    assert own.value.errors[0].rule == "assignment.change.own_application"


def test_a_proceeding_ended_before_its_draw_is_not_drawn(client: TestClient, database: Database,
                                                         settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [10])
    writ = present(client, court, bailiffs, office, own_debtor=True)
    _drain_without_draws(database, settings)  # committed, not yet drawn
    number = proceeding_of(database, writ).number
    ended = client.post("/api/v1/proceedings/transitions", headers=bailiffs.headers,
                        json={"number": number, "action": "terminate", "ground": TERMINATED})
    assert ended.status_code == 200, ended.text
    with database.transaction() as session:
        drawn = draws.draw_pending(session=session, store=chain_store(settings), actor=OPENER)
    assert number not in [d.proceeding_number for d in drawn]
    assert _open_cases(database, ids) == [0]
    with database.reading() as session:
        row = session.scalars(select(Assignment).where(Assignment.proceeding_number == number)).one()
    assert row.bailiff_id is None and row.closed_at is not None


def test_nothing_is_recorded_on_an_ended_proceeding(client: TestClient, database: Database, settings: Settings,
                                                    court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [10])
    writ = present(client, court, bailiffs, office, own_debtor=True)
    drain(database, settings)
    number = proceeding_of(database, writ).number
    assert client.post("/api/v1/proceedings/transitions", headers=bailiffs.headers, json={
        "number": number, "action": "complete", "ground": "229-FZ art. 47 part 1 s.1: paid in full"}).status_code == 200
    # The status is checked before the date: any date is refused on an ended proceeding.
    receipt = client.post("/api/v1/proceedings/receipts", headers=bailiffs.headers,
                          json={"number": number, "received_on": "2026-11-23"})
    assert receipt.status_code == 409, receipt.text
    assert receipt.json()["errors"][0]["rule"] == "proceeding.ended"


def test_a_case_redrawn_again_and_again_is_raised_in_the_fairness_report(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [10, 10, 10, 10])
    writ = present(client, court, bailiffs, office, own_debtor=True)
    drain(database, settings)
    number = proceeding_of(database, writ).number
    claimant, commission = make_org(database, "claimant"), make_org(database, "commission")
    for attempt in range(2):
        filed = client.post("/api/v1/change-applications", headers=claimant.headers,
                            json={"proceeding_number": number, "reason": f"бездействие {attempt}"})
        assert filed.status_code == 201, filed.text
        granted = client.post(f"/api/v1/change-applications/{filed.json()['id']}/decision",
                              headers=commission.headers, json={"grant": True, "reason": "подтверждено"})
        assert granted.status_code == 200, granted.text
        drain(database, settings)
        alarms = client.get(f"/api/v1/stats/fairness?office={office}").json()["alarms"]["repeated_redraws"]
        assert [(a["proceeding"], a["redraws"]) for a in alarms] == ([] if attempt == 0 else [(number, 2)])
