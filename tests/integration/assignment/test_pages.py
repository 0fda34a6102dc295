"""The staff pages of assignment, through the app: workbench, office (chamber head), commission queue."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from bailiff.config import Settings
from bailiff.core.db import Database
from tests.conftest import Issuer, make_org
from tests.integration.assignment.test_draw_flow import drain, make_office, present, proceeding_of

pytestmark = pytest.mark.xdist_group("outbox")


def signed_in(client: TestClient, issuer: Issuer) -> dict[str, str]:
    return {"Cookie": f"bailiff_token={issuer.token}"}


def test_workbench_office_and_commission_pages(client: TestClient, database: Database, settings: Settings,
                                               court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [10, 10])
    number = proceeding_of(database, (present(client, court, bailiffs, office), drain(database, settings))[0]).number
    chosen = client.get("/api/v1/assignments/" + quote(number, safe="")).json()["bailiff"]["bailiff_id"]

    page = client.get(f"/workbench/{chosen}", headers=signed_in(client, bailiffs))
    assert page.status_code == 200
    assert f'data-number="{number}" data-todo="deliver_order"' in page.text
    assert "вручить должнику постановление" in page.text  # Russian first
    assert "deliver the opening order" in client.get(f"/workbench/{chosen}?lang=en", headers=signed_in(client, bailiffs)).text
    client.cookies.delete("lang")  # the client is shared by the session's tests: leave Russian the default
    assert client.get(f"/workbench/{chosen}", headers=signed_in(client, court)).status_code == 403
    assert client.get(f"/workbench/{chosen}", follow_redirects=False).status_code in (302, 303, 307)

    office_page = client.get(f"/offices/{office}", headers=signed_in(client, bailiffs))
    assert office_page.status_code == 200 and ids[0] in office_page.text and "Приостановить" in office_page.text
    suspended = client.post(f"/offices/{office}/suspension", headers=signed_in(client, bailiffs),
                            data={"starts_on": "2026-12-01", "ends_on": "2026-12-07", "reason": "отпуск"},
                            follow_redirects=False)
    assert suspended.status_code == 303
    assert "отпуск" in client.get(f"/offices/{office}", headers=signed_in(client, bailiffs)).text

    claimant, commission = make_org(database, "claimant"), make_org(database, "commission")
    filed = client.post("/api/v1/change-applications", headers=claimant.headers,
                        json={"proceeding_number": number, "reason": "бездействие"}).json()
    queue = client.get("/commission", headers=signed_in(client, commission))
    assert queue.status_code == 200 and f'id="application-{filed["id"]}"' in queue.text
    decided = client.post(f"/commission/{filed['id']}", headers=signed_in(client, commission),
                          data={"decision": "reject", "reason": "доводы не подтверждены"}, follow_redirects=False)
    assert decided.status_code == 303
    assert f'id="application-{filed["id"]}"' not in client.get("/commission", headers=signed_in(client, commission)).text
