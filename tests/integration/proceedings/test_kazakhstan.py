"""A Kazakh deployment (`BAILIFF_JURISDICTION=kz`) end to end on its own database: a writ with an IIN is
registered, presented, opened in a regional chamber of private bailiffs with the art. 118 fee, and
measures follow 261-IV (travel restriction over 40 МРП, art. 95 withholding, grounds citing the law)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bailiff.app import create_app
from bailiff.assignment import service as assignment
from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN
from bailiff.core.db import Database, upgrade
from bailiff.core.worker import run_once
from bailiff.identity.identifiers_central_asia import make_bin, make_iin
from bailiff.jurisdictions import load_profile
from bailiff.proceedings.models import Proceeding
from bailiff.subscriptions import all_handlers
from tests.conftest import Issuer, fresh_database_url, make_org

pytestmark = pytest.mark.xdist_group("outbox")


@dataclass
class Deployment:
    """A Kazakh deployment: its app, database and settings, a court, the service, one chamber."""

    client: TestClient
    database: Database
    settings: Settings
    court: Issuer
    service: Issuer


@pytest.fixture(scope="module")
def kz(backend: str, data_dir: Path) -> Iterator[Deployment]:
    url = fresh_database_url(backend, data_dir, "kz")
    upgrade(url)
    database = Database(url)
    settings = Settings(data_dir=data_dir / "kz", database_url=url, jurisdiction="kz")
    with database.transaction() as session:  # the Almaty regional chamber of private bailiffs
        assignment.add_office(session=session, office_id="ALA", name="Палата ЧСИ г. Алматы", region="75",
                              regions=load_profile("kz").regions, kind="chamber", localities=["алматы"],
                              actor=CLI_ADMIN)
        # A state department that matches the address better: private mode distributes among chambers only.
        assignment.add_office(session=session, office_id="ALA-D", name="Отдел ДОЮ", region="75",
                              regions=load_profile("kz").regions, kind="department", localities=["алматы ул абая"],
                              actor=CLI_ADMIN)
        assignment.add_bailiff(session=session, bailiff_id="ALA-D-001", name="ГСИ", office_id="ALA-D",
                               capacity=100, actor=CLI_ADMIN)
        for n in range(1, 4):
            assignment.add_bailiff(session=session, bailiff_id=f"ALA-{n:03d}", name=f"ЧСИ {n}", office_id="ALA",
                                   capacity=100, head=n == 1, actor=CLI_ADMIN)
    with TestClient(create_app(settings, database)) as client:
        yield Deployment(client, database, settings, make_org(database, "court"),
                         make_org(database, "bailiff_service"))
    database.dispose()


def _writ(court: Issuer, amount: str, *, kind: str = "money") -> dict:
    rng = random.Random()
    claim = ({"kind": "money", "category": "loan", "amount": amount, "currency": "KZT"} if kind == "money"
             else {"kind": "non_monetary", "category": "eviction", "description": "освободить квартиру"})
    return court.envelope(
        jurisdiction="KZ", type="writ_of_execution",
        debtors=[{"kind": "person", "surname": "Ахметов", "given_name": "Нурлан", "patronymic": "Серикович",
                  "birth_date": "1985-03-14", "identifiers": {"iin": make_iin(rng, date(1985, 3, 14), "male")},
                  "address": "г. Алматы, ул. Абая, д. 10, кв. 4"}],
        creditors=[{"kind": "organization", "name": "АО «Каспи Банк»", "identifiers": {"bin": make_bin(rng)},
                    "address": "г. Алматы, ул. Наурызбай батыра, д. 154А"}],
        claim=claim)


def _open(kz: Deployment, amount: str, *, kind: str = "money") -> dict:
    """Register, present and open a writ against a debtor of its own; the proceeding as the service sees it."""
    body = kz.client.post("/api/v1/writs", json=_writ(kz.court, amount, kind=kind), headers=kz.court.headers)
    assert body.status_code == 201, body.text
    number = body.json()["register_number"]
    assert number.startswith("KZ")
    presented = kz.client.post(f"/api/v1/writs/{number}/transitions", headers=kz.service.headers,
                               json={"action": "present", "reason": "передан в региональную палату"})
    assert presented.status_code == 200, presented.text
    handlers = all_handlers(kz.database, kz.settings)
    while run_once(kz.database, handlers):
        pass
    with kz.database.reading() as session:
        proceeding = session.scalar(select(Proceeding).where(Proceeding.register_number == number))
    assert proceeding is not None
    return kz.client.get("/api/v1/proceedings/" + quote(proceeding.number, safe=""), headers=kz.service.headers).json()


def test_a_kazakh_writ_opens_in_the_regional_chamber_with_the_art_118_fee(kz: Deployment) -> None:
    client = kz.client
    small = _open(kz, "100000")  # 23.1 МРП of 4,325 ₸: the 25% band
    assert small["office_id"] == "ALA" and small["number"].startswith("ALA-")
    assert Decimal(small["fee"]) == Decimal("25000.00") and "art. 118" in small["fee_rule"]
    assert "on recovery" in small["fee_rule"] and "not yet checked" in small["fee_rule"]  # secondary sources
    drawn = client.get("/api/v1/assignments/" + quote(small["number"], safe="")).json()
    assert drawn["bailiff"]["bailiff_id"].startswith("ALA-") and drawn["office_id"] == "ALA"

    large = _open(kz, "1000000")  # 231 МРП: the 20% band
    assert Decimal(large["fee"]) == Decimal("200000.00")
    eviction = _open(kz, "", kind="non_monetary")  # 50 МРП from a person
    assert Decimal(eviction["fee"]) == 50 * 4325


def test_kazakh_measures_and_grounds_follow_261_iv(kz: Deployment) -> None:
    client, headers = kz.client, kz.service.headers
    small = _open(kz, "150000")  # below 40 МРП (173,000 ₸)
    travel = client.post("/api/v1/measures", headers=headers,
                         json={"proceeding_number": small["number"], "kind": "travel_restriction"})
    assert travel.status_code == 422
    assert [e["rule"] for e in travel.json()["errors"]] == ["measure.travel.threshold"]
    assert "261-IV art. 33" in travel.json()["errors"][0]["message"]
    assert "not yet checked" in travel.json()["errors"][0]["message"]
    big = _open(kz, "200000")
    allowed = client.post("/api/v1/measures", headers=headers,
                          json={"proceeding_number": big["number"], "kind": "travel_restriction"})
    assert allowed.status_code == 201, allowed.text  # no voluntary period holds it back here
    over = client.post("/api/v1/measures", headers=headers, json={
        "proceeding_number": big["number"], "kind": "withhold_income", "params": {"percent": 60}})
    assert over.status_code == 422 and "261-IV art. 95" in over.json()["errors"][0]["message"]
    half = client.post("/api/v1/measures", headers=headers, json={
        "proceeding_number": big["number"], "kind": "withhold_income", "params": {"percent": 50}})
    assert half.status_code == 201, half.text
    assert half.json()["params"]["subsistence_minimum_kept"] == "50851"  # art. 95 p.1, without an application

    # A Russian citation is not a ground in Kazakhstan; the Kazakh law with its article is.
    russian = client.post("/api/v1/proceedings/transitions", headers=headers,
                          json={"number": big["number"], "action": "suspend", "ground": "229-FZ art. 40"})
    assert russian.status_code == 422 and russian.json()["errors"][0]["rule"] == "proceeding.ground.article"
    moved = client.post("/api/v1/proceedings/transitions", headers=headers,
                        json={"number": big["number"], "action": "return",
                              "ground": "261-IV art. 47 p.1: по заявлению взыскателя"})
    assert moved.status_code == 200, moved.text
    assert client.get(f"/api/v1/writs/{big['register_number']}/verification").json()["status"] == "returned"


def test_an_iin_contradicting_the_stated_birth_date_makes_no_newcomer(kz: Deployment) -> None:
    from bailiff.identity import service as identity

    rng = random.Random(41)
    party = {"kind": "person", "surname": "Жумабаева", "given_name": "Айгерим", "patronymic": "Маратовна",
             "birth_date": "1990-01-01", "birth_place": "г. Алматы", "address": "г. Алматы, ул. Абая, д. 1, кв. 1"}
    moved = {**party, "address": "г. Алматы, ул. Сатпаева, д. 7, кв. 2"}
    creditor = {"kind": "organization", "name": "АО «Каспи Банк»", "identifiers": {"bin": make_bin(rng)}}
    claim = {"kind": "money", "category": "loan", "amount": "500000", "currency": "KZT"}

    def register(debtor: dict) -> str:
        body = kz.client.post("/api/v1/writs", headers=kz.court.headers, json=kz.court.envelope(
            jurisdiction="KZ", type="writ_of_execution", debtors=[debtor], creditors=[creditor], claim=claim))
        assert body.status_code == 201, body.text
        handlers = all_handlers(kz.database, kz.settings)
        while run_once(kz.database, handlers):
            pass
        return body.json()["register_number"]

    first = register(party)
    # Her IIN would make her a person of her own (rule 5), but it encodes 2 January, not 1 January.
    doubtful = register({**moved, "identifiers": {"iin": make_iin(rng, date(1990, 1, 2), "female")}})
    fine = register({**moved, "identifiers": {"iin": make_iin(rng, date(1990, 1, 1), "female")}})
    with kz.database.reading() as session:
        a, b, c = (identity.party_link(session=session, register_number=n) for n in (first, doubtful, fine))
        reviews = identity.open_reviews(session=session, limit=500)
    assert (b.outcome, b.confirmed, b.person_id) == ("review", False, None)
    assert b.evidence["identifier_birth_data"]
    task = next(t for t in reviews if t["party"] and t["party"]["register_number"] == doubtful)
    assert [x["person"]["id"] for x in task["candidates"]] == [a.person_id]
    assert (c.outcome, c.confirmed) == ("new", True) and c.person_id not in (None, a.person_id)
