"""A proceeding's life through HTTP: fee and deadlines at opening, measures refused by the rule that
forbids them (namesake protection first), and an ending that moves the writ and frees the bailiff."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bailiff.assignment.auditor import AssignmentAuditor
from bailiff.assignment.models import Assignment, Bailiff
from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN, Actor
from bailiff.core.clock import local_today
from bailiff.core.audit import AuditEvent
from bailiff.core.errors import Conflict
from bailiff.core.db import Database
from bailiff.identity.models import PartyLink
from bailiff.jurisdictions import load_profile
from bailiff.proceedings.models import Proceeding
from bailiff.proceedings import enforcement
from tests.conftest import Issuer, make_org
from tests.integration.assignment.test_draw_flow import drain, make_office, present, proceeding_of

pytestmark = pytest.mark.xdist_group("outbox")


def test_a_proceeding_from_opening_to_completion(client: TestClient, database: Database, settings: Settings,
                                                 court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [10, 10])
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    number = proceeding_of(database, register_number).number
    h = bailiffs.headers
    view = client.get("/api/v1/proceedings/" + quote(number, safe=""), headers=h).json()
    assert view["fee"] == "2000" and "563-FZ" in view["fee_rule"]  # 12% of 15,420.50 is below the minimum
    assert view["voluntary_deadline"] is None

    # Collection before the voluntary period is refused, naming the article.
    early = client.post("/api/v1/measures", headers=h, json={"proceeding_number": number, "kind": "collect_accounts"})
    assert early.status_code == 422 and early.json()["errors"][0]["rule"] == "measure.voluntary_period"
    # Namesake protection: while the debtor's identity awaits review nothing coercive is ordered.
    with database.transaction() as session:
        session.execute(update(PartyLink).where(PartyLink.register_number == register_number,
                                                PartyLink.role == "debtor").values(confirmed=False))
    blocked = client.post("/api/v1/measures", headers=h, json={"proceeding_number": number, "kind": "arrest_accounts"})
    assert blocked.status_code == 409 and blocked.json()["errors"][0]["rule"] == "identity.unconfirmed"
    with database.transaction() as session:
        session.execute(update(PartyLink).where(PartyLink.register_number == register_number,
                                                PartyLink.role == "debtor").values(confirmed=True))
    arrest = client.post("/api/v1/measures", headers=h, json={"proceeding_number": number, "kind": "arrest_accounts"})
    assert arrest.status_code == 201, arrest.text
    assert client.post("/api/v1/measures", headers=court.headers,
                       json={"proceeding_number": number, "kind": "arrest_accounts"}).status_code == 403
    # A regional service acts in its own region only (the office is in region 77).
    from bailiff.orgs import service as orgs
    with database.transaction() as session:
        primorye = orgs.add_org(session=session, kind="bailiff_service", code=f"FSSP-25-{number}", region="25",
                                name="УФССП по Приморскому краю", actor=CLI_ADMIN)
        moscow = orgs.add_org(session=session, kind="bailiff_service", code=f"FSSP-77-{number}", region="77",
                              name="ГУФССП по г. Москве", actor=CLI_ADMIN)
    elsewhere = client.post("/api/v1/measures", headers={"Authorization": f"Bearer {primorye.token}"},
                            json={"proceeding_number": number, "kind": "arrest_accounts"})
    assert elsewhere.status_code == 403 and "region 25" in elsewhere.json()["detail"]
    assert client.post("/api/v1/measures", headers={"Authorization": f"Bearer {moscow.token}"},
                       json={"proceeding_number": number, "kind": "arrest_accounts"}).status_code == 201
    travel = client.post("/api/v1/measures", headers=h, json={"proceeding_number": number, "kind": "travel_restriction"})
    assert {e["rule"] for e in travel.json()["errors"]} == {"measure.voluntary_period", "measure.travel.threshold"}

    # The office counts its days in its own zone (Moscow): between 21:00 and 24:00 UTC its today is
    # the machine's tomorrow.
    today = local_today(load_profile("ru").timezone)
    yesterday = client.post("/api/v1/proceedings/receipts", headers=h,
                            json={"number": number, "received_on": (today - timedelta(days=1)).isoformat()})
    assert yesterday.status_code == 422  # before the proceeding was opened
    epoch = client.post("/api/v1/proceedings/receipts", headers=h, json={"number": number, "received_on": 0})
    assert epoch.status_code == 422 and epoch.json()["errors"][0]["field"].endswith("received_on")
    received = today
    body = client.post("/api/v1/proceedings/receipts", headers=h, json={"number": number,
                                                                        "received_on": received.isoformat()})
    assert body.status_code == 200, body.text
    deadline = date.fromisoformat(body.json()["voluntary_deadline"])
    assert deadline >= received + timedelta(days=5)  # five working days
    with database.transaction() as session:  # after the voluntary period, collection is allowed
        service_actor = Actor(kind="org", ident=bailiffs.code, role="bailiff_service", org_id=bailiffs.org_id)
        measure = enforcement.order_measure(session=session, number=number, kind="withhold_income",
                                            params={"percent": 50}, actor=service_actor,
                                            profile=load_profile("ru"), today=deadline + timedelta(days=1))
        assert measure.basis == "229-FZ art. 98, 99"
        assert measure.params["subsistence_minimum_kept"] is None  # no application by the debtor (art. 99 part 1.1)
        applied = enforcement.order_measure(session=session, number=number, kind="withhold_income",
                                            params={"percent": 50, "debtor_applied": True}, actor=service_actor,
                                            profile=load_profile("ru"), today=deadline + timedelta(days=1))
        assert applied.params["subsistence_minimum_kept"] == "20644"

    drawn = client.get("/api/v1/assignments/" + quote(number, safe="")).json()["bailiff"]["bailiff_id"]
    with database.reading() as session:
        before = session.get(Bailiff, drawn).open_cases
    claimant = make_org(database, "claimant")
    application = client.post("/api/v1/change-applications", headers=claimant.headers,
                              json={"proceeding_number": number, "reason": "slow"})
    assert application.status_code == 201
    unfounded = client.post("/api/v1/proceedings/transitions", headers=h,
                            json={"number": number, "action": "complete", "ground": "paid"})
    assert unfounded.status_code == 422 and unfounded.json()["errors"][0]["rule"] == "proceeding.ground.article"
    done = client.post("/api/v1/proceedings/transitions", headers=h,
                       json={"number": number, "action": "complete", "ground": "229-FZ art. 47 part 1 s.1: paid in full"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert client.get(f"/api/v1/writs/{register_number}/verification").json()["status"] == "executed"
    with database.reading() as session:
        assert session.get(Bailiff, drawn).open_cases == before - 1
    again = client.post("/api/v1/proceedings/transitions", headers=h,
                        json={"number": number, "action": "terminate", "ground": "art. 43 part 1"})
    assert again.status_code == 409
    # The bailiff of an ended proceeding is final: the pending application cannot be granted.
    commission = make_org(database, "commission")
    late = client.post(f"/api/v1/change-applications/{application.json()['id']}/decision", headers=commission.headers,
                       json={"grant": True, "reason": "too late"})
    assert late.status_code == 409 and "ended" in late.json()["detail"]
    with database.reading() as session:
        assert session.get(Bailiff, drawn).open_cases == before - 1
    after_end = client.post("/api/v1/measures", headers=h, json={"proceeding_number": number, "kind": "arrest_accounts"})
    assert after_end.status_code == 409


def test_suspension_and_termination(client: TestClient, database: Database, settings: Settings, court: Issuer,
                                    bailiffs: Issuer) -> None:
    office, _ = make_office(database, [5])
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    number = proceeding_of(database, register_number).number
    h = bailiffs.headers

    def move(action: str, ground: str) -> dict:
        response = client.post("/api/v1/proceedings/transitions", headers=h,
                               json={"number": number, "action": action, "ground": ground})
        assert response.status_code == 200, response.text
        return response.json()

    assert move("suspend", "229-FZ art. 40 part 1 s.1: the debtor was called up")["status"] == "suspended"
    assert client.post("/api/v1/measures", headers=h,
                       json={"proceeding_number": number, "kind": "arrest_accounts"}).status_code == 409
    assert move("resume", "art. 42 part 1")["status"] == "open"
    assert move("terminate", "229-FZ art. 43 part 2 s.1: the debtor died")["ground"].startswith("229-FZ art. 43")
    assert client.get(f"/api/v1/writs/{register_number}/verification").json()["status"] == "terminated"


def test_proceedings_against_one_confirmed_debtor_are_consolidated(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [10, 10])
    first = present(client, court, bailiffs, office)
    drain(database, settings)
    second = present(client, court, bailiffs, office)  # the same debtor (same INN) in another writ
    drain(database, settings)
    a, b = proceeding_of(database, first), proceeding_of(database, second)
    assert a.consolidation == b.consolidation == a.number + "-СД"  # 229-FZ art. 34
    assert a.priority == b.priority == 4  # a loan: the fourth order of art. 111


def test_members_of_a_consolidated_proceeding_follow_the_leads_bailiff(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, ids = make_office(database, [50, 50, 50, 50, 50])
    lead = proceeding_of(database, (present(client, court, bailiffs, office), drain(database, settings))[0]).number
    # Two more writs against the same debtor arrive in one batch, a third later: none is drawn on its own.
    later = [present(client, court, bailiffs, office) for _ in range(2)]
    drain(database, settings)
    later.append(present(client, court, bailiffs, office))
    drain(database, settings)
    members = [proceeding_of(database, n).number for n in later]

    def record(number: str) -> dict:
        return client.get("/api/v1/assignments/" + quote(number, safe="")).json()

    owner = record(lead)["bailiff"]["bailiff_id"]
    for number in members:
        joined = record(number)
        assert joined["kind"] == "join" and joined["lead"] == lead and joined["eligible"] == []
        assert joined["bailiff"]["bailiff_id"] == owner and joined["history"] == []  # never drawn on its own
    with database.reading() as session:
        loads = {b: session.get(Bailiff, b).open_cases for b in ids}
    assert loads[owner] == 4 and sum(loads.values()) == 4  # each member counts in its bailiff's workload
    report = AssignmentAuditor("http://testserver", client=client).verify(members[0])
    assert report.ok, report.checks
    assert {"join.names_proceeding", "join.grouped_before", "join.lead_assignment", "join.same_bailiff",
            "result.recomputed"} <= {c["check"] for c in report.checks}
    # A member's bailiff rewritten in the database no longer matches its join leaf nor its lead's draw.
    other = next(b for b in ids if b != owner)
    with database.transaction() as session:
        row = session.scalar(select(Assignment).where(Assignment.proceeding_number == members[0])
                             .order_by(Assignment.seq.desc()).limit(1))
        row.bailiff_id = other
    steered = AssignmentAuditor("http://testserver", client=client).verify(members[0])
    assert {c["check"] for c in steered.checks if not c["ok"]} == {"join.names_proceeding", "join.same_bailiff"}
    with database.transaction() as session:
        session.scalar(select(Assignment).where(Assignment.proceeding_number == members[0])
                       .order_by(Assignment.seq.desc()).limit(1)).bailiff_id = owner

    # An application against a member is about the consolidated proceeding: the grant redraws the lead
    # without its bailiff, and every member follows.
    claimant, commission = make_org(database, "claimant"), make_org(database, "commission")
    filed = client.post("/api/v1/change-applications", headers=claimant.headers,
                        json={"proceeding_number": members[1], "reason": "no action for two months"})
    assert filed.status_code == 201 and filed.json()["proceeding_number"] == lead
    decided = client.post(f"/api/v1/change-applications/{filed.json()['id']}/decision", headers=commission.headers,
                          json={"grant": True, "reason": "inaction confirmed"})
    assert decided.status_code == 200, decided.text
    drain(database, settings)
    new_owner = record(lead)["bailiff"]["bailiff_id"]
    assert record(lead)["kind"] == "redraw" and new_owner != owner
    assert {record(n)["bailiff"]["bailiff_id"] for n in members} == {new_owner}
    with database.reading() as session:
        assert session.get(Bailiff, new_owner).open_cases == 4 and session.get(Bailiff, owner).open_cases == 0
    assert AssignmentAuditor("http://testserver", client=client).verify(members[2]).ok
    # A member's bailiff is not overridden on its own.
    with database.transaction() as session:
        from bailiff.assignment import changes
        from bailiff.core.crypto import SigningKey
        with pytest.raises(Conflict, match="consolidated"):
            changes.override(session=session, proceeding_number=members[0], bailiff_id=owner, reason="by hand",
                             actor=CLI_ADMIN, key=SigningKey.load_or_create(settings.service_key_path))

    # The lead ends: the earliest running member succeeds it and keeps the group's bailiff; a new writ
    # against the debtor joins the successor, and a change of bailiff now redraws the successor.
    done = client.post("/api/v1/proceedings/transitions", headers=bailiffs.headers,
                       json={"number": lead, "action": "complete", "ground": "229-FZ art. 47 part 1 s.1: paid"})
    assert done.status_code == 200, done.text
    successor = members[0]
    view = client.get("/api/v1/proceedings/" + quote(members[1], safe=""), headers=bailiffs.headers).json()
    assert view["consolidation"] == successor + "-СД"
    newcomer = proceeding_of(database, (present(client, court, bailiffs, office), drain(database, settings))[0]).number
    assert record(newcomer)["lead"] == successor and record(newcomer)["bailiff"]["bailiff_id"] == new_owner
    chained = AssignmentAuditor("http://testserver", client=client).verify(newcomer)
    assert chained.ok, chained.checks
    again = client.post("/api/v1/change-applications", headers=claimant.headers,
                        json={"proceeding_number": members[2], "reason": "still no action"})
    assert again.status_code == 201 and again.json()["proceeding_number"] == successor, again.text
    assert client.post(f"/api/v1/change-applications/{again.json()['id']}/decision", headers=commission.headers,
                       json={"grant": True, "reason": "confirmed"}).status_code == 200
    drain(database, settings)
    third = record(successor)["bailiff"]["bailiff_id"]
    assert record(successor)["kind"] == "redraw" and third != new_owner
    assert {record(n)["bailiff"]["bailiff_id"] for n in members[1:] + [newcomer]} == {third}
    assert record(lead)["bailiff"]["bailiff_id"] == new_owner  # an ended proceeding keeps its bailiff
    assert AssignmentAuditor("http://testserver", client=client).verify(newcomer).ok


def test_opening_waits_for_the_debtor_to_be_identified(client: TestClient, database: Database, settings: Settings,
                                                       court: Issuer, bailiffs: Issuer) -> None:
    from bailiff.proceedings.handlers import chain_store
    from bailiff.proceedings.service import Presentation, open_presented
    from bailiff.core.clock import utcnow

    office, _ = make_office(database, [10])
    register_number = present(client, court, bailiffs, office)  # registered and presented, not yet identified
    with database.transaction() as session:
        outcome = open_presented(session=session, presentations=[Presentation(register_number, utcnow(), office)],
                                 profile=load_profile("ru"), store=chain_store(settings))
    assert outcome.waiting_for_identity == [register_number] and outcome.not_opened == {}
    drain(database, settings)  # identity first, then the opening, whatever order the outbox leased them in
    opened = proceeding_of(database, register_number)
    assert opened.debtor_confirmed and opened.debtor_person_id is not None


def test_a_recalled_writ_ends_its_proceeding(client: TestClient, database: Database, settings: Settings,
                                             court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [5])
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    number = proceeding_of(database, register_number).number
    recalled = client.post(f"/api/v1/writs/{register_number}/transitions", headers=court.headers,
                           json={"action": "recall", "reason": "the judgment was set aside on appeal"})
    assert recalled.status_code == 200, recalled.text
    drain(database, settings)
    ended = proceeding_of(database, register_number)
    assert ended.status == "terminated" and ended.ground.startswith("229-FZ art. 43 part 2 s.4")
    assert client.post("/api/v1/measures", headers=bailiffs.headers,
                       json={"proceeding_number": number, "kind": "arrest_accounts"}).status_code == 409


def test_a_returned_writ_presented_again_opens_a_new_proceeding(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [5, 5])
    register_number = present(client, court, bailiffs, office)
    drain(database, settings)
    first = proceeding_of(database, register_number).number
    returned = client.post("/api/v1/proceedings/transitions", headers=bailiffs.headers,
                           json={"number": first, "action": "return",
                                 "ground": "229-FZ art. 46 part 1 s.4: no property found"})
    assert returned.status_code == 200, returned.text
    again = client.post(f"/api/v1/writs/{register_number}/transitions", headers=bailiffs.headers,
                        json={"action": "present", "reason": "presented again (art. 46 part 4)", "department": office})
    assert again.status_code == 200, again.text
    drain(database, settings)
    second = proceeding_of(database, register_number)
    assert second.number != first and second.status == "open"
    assert client.get(f"/api/v1/writs/{register_number}/verification").json()["status"] == "in_execution"
    assert client.get("/api/v1/assignments/" + quote(second.number, safe="")).json()["status"] == "drawn"


def test_a_writ_presented_after_its_period_is_refused_and_returned(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    office, _ = make_office(database, [10])
    # A judgment in force since 2022: the three years of 229-FZ art. 21 part 1 ended in 2025.
    envelope = court.envelope(decision_date="2022-01-10", effective_date="2022-02-11", issue_date="2022-02-15")
    number = client.post("/api/v1/writs", json=envelope, headers=court.headers).json()["register_number"]
    assert client.post(f"/api/v1/writs/{number}/transitions", headers=bailiffs.headers, json={
        "action": "present", "reason": "presented by the creditor", "department": office}).status_code == 200
    drain(database, settings)
    assert client.get(f"/api/v1/writs/{number}/verification").json()["status"] == "returned"
    with database.reading() as session:
        assert session.scalar(select(Proceeding).where(Proceeding.register_number == number)) is None
        refusal = session.scalar(select(AuditEvent).where(AuditEvent.action == "proceeding.not_opened",
                                                          AuditEvent.subject_id == number))
    assert refusal is not None and refusal.reason.startswith("229-FZ art. 31 part 1 s.3")
    assert "2025-02-11" in refusal.reason  # a Tuesday: no shift to a working day


def test_proceedings_left_without_a_bailiff_are_drawn_once_someone_is_eligible(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    from bailiff.assignment import service as assignment
    from bailiff.assignment.beacons import beacon_store
    from bailiff.proceedings import service as proceedings

    office, ids = make_office(database, [1])
    present(client, court, bailiffs, office, own_debtor=True)
    drain(database, settings)  # the only bailiff is now full
    lead_writ = present(client, court, bailiffs, office)
    member_writ = present(client, court, bailiffs, office)  # the same debtor: consolidated with the first
    drain(database, settings)
    lead, member = proceeding_of(database, lead_writ).number, proceeding_of(database, member_writ).number
    for number in (lead, member):
        assert client.get("/api/v1/assignments/" + quote(number, safe="")).status_code == 404
    with database.reading() as session:
        waiting = session.scalar(select(AuditEvent).where(AuditEvent.action == "proceeding.not_opened",
                                                          AuditEvent.subject_id == member))
    assert waiting is not None and lead in waiting.reason

    with database.transaction() as session:
        assignment.add_bailiff(session=session, bailiff_id=f"{office}-new", name="Новый", office_id=office,
                               capacity=10, actor=CLI_ADMIN)
        outcome = proceedings.draw_waiting(session=session, office_id=office, store=beacon_store(settings),
                                           actor=CLI_ADMIN, suffix="-СД")
    assert outcome["committed"] == [lead] and outcome["refused"] == {}
    drain(database, settings)
    drawn = client.get("/api/v1/assignments/" + quote(lead, safe="")).json()
    joined = client.get("/api/v1/assignments/" + quote(member, safe="")).json()
    assert drawn["bailiff"]["bailiff_id"] == joined["bailiff"]["bailiff_id"] == f"{office}-new"
    assert joined["kind"] == "join" and joined["lead"] == lead


def test_an_opening_that_waits_for_identity_is_deferred_not_failed(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    import time

    from bailiff.core.outbox import OutboxEvent
    from bailiff.core.worker import Delivery
    from bailiff.proceedings import handlers

    office, _ = make_office(database, [10])
    register_number = present(client, court, bailiffs, office)  # registered and presented, not yet identified
    with database.reading() as session:
        event = session.scalar(select(OutboxEvent).where(OutboxEvent.topic == "writ.status_changed",
                                                         OutboxEvent.key.like(f"writ.status:{register_number}:%")))
    status = Delivery(event.id, event.topic, event.key, dict(event.payload), event.created_at, 0)
    assert handlers.open_presented(database, settings, [status]) is None  # nothing reported failed
    with database.reading() as session:
        deferred = session.scalar(select(OutboxEvent).where(OutboxEvent.topic == "proceeding.opening_deferred",
                                                            OutboxEvent.payload["register_number"].as_string()
                                                            == register_number))
    assert deferred is not None and deferred.payload["try"] == 1 and deferred.payload["department"] == office
    from bailiff.core import outbox
    with database.transaction() as session:  # as the worker does after a handler reported no failure
        outbox.mark_delivered(session, [event.id])
    drain(database, settings)  # identification runs; the deferred opening is due a second later
    with database.reading() as session:
        assert session.scalar(select(Proceeding).where(Proceeding.register_number == register_number)) is None
    time.sleep(1.1)
    drain(database, settings)
    opened = proceeding_of(database, register_number)
    assert opened.office_id == office and opened.debtor_confirmed
    assert opened.presented_at == event.created_at  # the presentation's own time, kept across the deferral


def test_an_office_counts_days_in_its_own_time_zone(
        client: TestClient, database: Database, settings: Settings, court: Issuer, bailiffs: Issuer) -> None:
    from datetime import UTC, datetime

    from bailiff.assignment import service as assignment
    from bailiff.assignment.beacons import beacon_store
    from bailiff.core.errors import ValidationFailed
    from bailiff.core.worker import run_once
    from bailiff.identity.handlers import handlers as identity_handlers
    from bailiff.proceedings.service import Presentation, open_presented

    with database.transaction() as session, pytest.raises(ValidationFailed) as bad:
        assignment.add_office(session=session, office_id="TZ-BAD", name="x", region="25", kind="department",
                              regions=load_profile("ru").regions, actor=CLI_ADMIN, timezone="Asia/Atlantis")
    assert bad.value.errors[0].rule == "office.timezone"
    office = "TZ-VVO"
    with database.transaction() as session:
        assignment.add_office(session=session, office_id=office, name="ОСП Владивосток", region="25",
                              regions=load_profile("ru").regions, kind="department", actor=CLI_ADMIN,
                              timezone="Asia/Vladivostok")
        assignment.add_bailiff(session=session, bailiff_id=f"{office}-001", name="СПИ", office_id=office,
                               capacity=10, actor=CLI_ADMIN)
    register_number = present(client, court, bailiffs, office, own_debtor=True)
    while run_once(database, identity_handlers(database)):  # identified, not yet opened
        pass
    # 15:30 UTC on Thursday 24 December is already Friday 25 December in Vladivostok (18:30 in Moscow):
    # the three working days run from Friday, to Wednesday 30 December (from Thursday: the 29th).
    at = datetime(2026, 12, 24, 15, 30, tzinfo=UTC)
    with database.transaction() as session:
        open_presented(session=session, presentations=[Presentation(register_number, at, office)],
                       profile=load_profile("ru"), store=beacon_store(settings))
    assert proceeding_of(database, register_number).opening_deadline == date(2026, 12, 30)
