"""Resolution of writ parties at intake (through the outbox worker), on a real database."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bailiff.core.actor import Actor
from bailiff.core.crypto import sign_envelope
from bailiff.core.db import Database
from bailiff.core.worker import run_once
from bailiff.identity import identifiers, service
from bailiff.identity.models import PartyLink
from bailiff.identity.service import IdentityNotConfirmed
from bailiff.subscriptions import all_handlers
from tests.conftest import Issuer

_days = itertools.count(1)
RNG = random.Random(7)


def unique_birth_date() -> str:
    """A birth date no other test in this database uses, so tests never match each other's people."""
    return (date(1940, 1, 1) + timedelta(days=next(_days) * 3)).isoformat()


def debtor(**fields: Any) -> dict[str, Any]:
    base = {"kind": "person", "surname": "Соколов", "given_name": "Алексей", "patronymic": "Игоревич",
            "birth_date": unique_birth_date(), "birth_place": "г. Казань",
            "address": "г. Казань, ул. Баумана, д. 5, кв. 12", "identifiers": {}}
    base.update(fields)
    return base


def register(client: TestClient, court: Issuer, *debtors: dict[str, Any]) -> list[str]:
    envelopes = [sign_envelope(court.document(debtors=[d]), court.key) for d in debtors]
    body = client.post("/api/v1/writs/batch", json={"envelopes": envelopes}, headers=court.headers).json()
    assert body["rejected"] == 0, body
    return [item["register_number"] for item in body["items"]]


def resolve_all(database: Database, settings) -> None:  # noqa: ANN001
    handlers = all_handlers(database, settings)
    for _ in range(100):
        if not run_once(database, handlers):
            return
    raise AssertionError("the outbox did not drain")


def link(database: Database, number: str) -> PartyLink:
    with database.reading() as s:
        return service.party_link(session=s, register_number=number)


def test_identifier_links_oblique_and_nominative(client, court, database, settings) -> None:  # noqa: ANN001
    inn = identifiers.make_inn_person(RNG)
    first = debtor(identifiers={"inn": inn})
    second = dict(first, surname="Соколова", given_name="Алексея", patronymic="Игоревича",
                  address="г. Москва, ул. Тверская, д. 1")  # the genitive, after moving
    a, b = register(client, court, first, second)
    resolve_all(database, settings)
    la, lb = link(database, a), link(database, b)
    assert la.outcome == "new" and la.confirmed
    assert lb.outcome == "identifier" and lb.confirmed and lb.person_id == la.person_id
    assert lb.evidence["normalised"]["surname"] == "Соколов"


def test_creditor_organisation_linked_by_inn(client, court, database, settings) -> None:  # noqa: ANN001
    a, b = register(client, court, debtor(identifiers={"inn": identifiers.make_inn_person(RNG)}),
                    debtor(identifiers={"inn": identifiers.make_inn_person(RNG)}))
    resolve_all(database, settings)
    with database.reading() as s:
        ca = service.party_link(session=s, register_number=a, role="creditor")
        cb = service.party_link(session=s, register_number=b, role="creditor")
    assert ca.entity_id is not None and ca.entity_id == cb.entity_id and cb.outcome == "identifier"


def test_same_person_without_identifiers_is_linked_across_scripts(client, court, database, settings) -> None:  # noqa: ANN001
    first = debtor(surname="Кузнецова", given_name="Анна", patronymic="Сергеевна", birth_place="г. Самара",
                   address="г. Самара, ул. Ленина, д. 3")
    genitive = dict(first, surname="Кузнецовой", given_name="Анны", patronymic="Сергеевны")
    latin = dict(first, surname="Kuznetsova", given_name="Anna", patronymic="Sergeevna")
    a, b, c = register(client, court, first, genitive, latin)
    resolve_all(database, settings)
    la, lb, lc = (link(database, n) for n in (a, b, c))
    assert la.outcome == "new"
    assert (lb.outcome, lb.person_id, lb.confirmed) == ("linked", la.person_id, True)
    assert (lc.outcome, lc.person_id, lc.confirmed) == ("linked", la.person_id, True)


def test_namesakes_are_never_linked_and_measures_wait(client, court, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    first = debtor(birth_date=born, birth_place="г. Казань", address="г. Казань, ул. Баумана, д. 5")
    namesake = debtor(birth_date=born, birth_place="г. Омск", address="г. Омск, ул. Мира, д. 9")
    a, b = register(client, court, first, namesake)
    resolve_all(database, settings)
    la, lb = link(database, a), link(database, b)
    assert lb.person_id != la.person_id
    assert lb.outcome in ("new", "review")
    if lb.outcome == "review":
        with database.reading() as s, pytest.raises(IdentityNotConfirmed):
            service.require_confirmed(session=s, register_number=b)


def test_different_valid_inns_never_link(client, court, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    first = debtor(birth_date=born, identifiers={"inn": identifiers.make_inn_person(RNG)})
    other = debtor(birth_date=born, identifiers={"inn": identifiers.make_inn_person(RNG)})  # same everything else
    a, b = register(client, court, first, other)
    resolve_all(database, settings)
    la, lb = link(database, a), link(database, b)
    assert la.person_id != lb.person_id and lb.outcome == "new"


def test_an_identified_debtor_resembling_another_record_is_confirmed_by_its_identifier(client, court, database, settings) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from bailiff.identity.models import ReviewTask

    born = unique_birth_date()
    inn = identifiers.make_inn_person(RNG)
    unidentified = debtor(birth_date=born, birth_place="г. Самара", address="г. Самара, ул. Ленина, д. 3")
    # The same name, birth date and place at another address, with an INN nobody holds: the same
    # human who moved, or a namesake born the same day in the same town. Either way the INN says
    # who the debtor of this writ is.
    identified = dict(unidentified, address="г. Самара, ул. Мичурина, д. 40", identifiers={"inn": inn})
    (a,) = register(client, court, unidentified)
    resolve_all(database, settings)
    b, c = register(client, court, identified, dict(identified, surname="Соколова", given_name="Алексея",
                                                     patronymic="Игоревича"))
    resolve_all(database, settings)
    la, lb, lc = (link(database, n) for n in (a, b, c))
    assert (lb.outcome, lb.confirmed) == ("new", True) and lb.person_id != la.person_id
    assert [d["id"] for d in lb.evidence["possible_duplicates"]] == [la.person_id]
    with database.reading() as s:
        service.require_confirmed(session=s, register_number=b)  # measures need no reviewer here
        tasks = s.scalars(select(ReviewTask).where(ReviewTask.kind == "duplicate_cluster")).all()
    assert any([x["id"] for x in t.candidates] == [lb.person_id, la.person_id] for t in tasks)
    # The next writ with that INN is linked by it, not sent to a reviewer again.
    assert (lc.outcome, lc.person_id, lc.confirmed) == ("identifier", lb.person_id, True)


def test_same_new_person_twice_in_one_batch_is_one_record(client, court, database, settings) -> None:  # noqa: ANN001
    person = debtor(identifiers={"snils": identifiers.make_snils(RNG)})
    a, b = register(client, court, person, dict(person, surname="Соколова", given_name="Алексея",
                                                patronymic="Игоревича"))
    resolve_all(database, settings)
    assert link(database, a).person_id == link(database, b).person_id


def test_resolution_is_idempotent(client, court, database, settings) -> None:  # noqa: ANN001
    from bailiff.identity.handlers import resolve_registered
    from bailiff.core.worker import Delivery
    from bailiff.core.clock import utcnow

    (a,) = register(client, court, debtor(identifiers={"inn": identifiers.make_inn_person(RNG)}))
    resolve_all(database, settings)
    again = resolve_registered(database, [Delivery(0, "writ.registered", "x", {"register_number": a}, utcnow(), 0)])
    assert again == 0


def bailiff_actor(bailiffs: Issuer) -> Actor:
    return Actor(kind="org", ident=bailiffs.code, role="bailiff_service", org_id=bailiffs.org_id)


def test_review_confirm_reopen_reject_through_the_api(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    first = debtor(surname="Смирнов", given_name="Павел", patronymic="Андреевич", birth_date=born,
                   birth_place="г. Тула", address="г. Тула, ул. Советская, д. 1")
    # Same name and birth date, birth place written differently, a new address: a weak match.
    second = dict(first, birth_place="Тульская обл., пос. Ленинский", address="г. Москва, ул. Арбат, д. 2")
    a, b = register(client, court, first, second)
    resolve_all(database, settings)
    lb = link(database, b)
    assert lb.outcome == "review" and not lb.confirmed, lb.evidence
    reviews = client.get("/api/v1/identity/reviews", params={"limit": 500}, headers=bailiffs.headers).json()["reviews"]
    task = next(t for t in reviews if t["party"] and t["party"]["register_number"] == b)
    person_id = link(database, a).person_id
    assert [c["person"]["id"] for c in task["candidates"]] == [person_id]
    assert client.get("/api/v1/identity/reviews", headers=court.headers).status_code == 403
    confirmed = client.post(f"/api/v1/identity/reviews/{task['id']}/confirm", headers=bailiffs.headers,
                            json={"person_id": person_id, "reason": "паспорт предъявлен лично"}).json()
    assert confirmed["status"] == "confirmed"
    with database.reading() as s:
        assert service.require_confirmed(session=s, register_number=b).person_id == person_id
    again = client.post(f"/api/v1/identity/reviews/{task['id']}/confirm", headers=bailiffs.headers,
                        json={"person_id": person_id, "reason": "twice"})
    assert again.status_code == 409
    reopened = client.post(f"/api/v1/identity/reviews/{task['id']}/reopen", headers=bailiffs.headers,
                           json={"reason": "ошибочное подтверждение"}).json()
    assert reopened["status"] == "open" and reopened["party"]["confirmed"] is False
    rejected = client.post(f"/api/v1/identity/reviews/{task['id']}/reject", headers=bailiffs.headers,
                           json={"reason": "другое лицо, тёзка"}).json()
    assert rejected["status"] == "rejected"
    assert rejected["party"]["person_id"] not in (None, person_id) and rejected["party"]["confirmed"]
    history = client.get(f"/api/v1/identity/persons/{person_id}", headers=bailiffs.headers).json()
    assert [w["register_number"] for w in history["writs"] if w["role"] == "debtor"] == [a]


def test_a_reviewers_confirmation_teaches_the_persons_address(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from bailiff.identity.models import PersonAddress

    born = unique_birth_date()
    home, new_home = "г. Тула, ул. Советская, д. 1, кв. 3", "г. Тула, ул. Мира, д. 12, кв. 40"
    first = debtor(surname="Кузнецов", given_name="Олег", patronymic="Петрович", birth_date=born,
                   birth_place="г. Тула", address=home, identifiers={"inn": identifiers.make_inn_person(RNG)})
    (a,) = register(client, court, first)
    resolve_all(database, settings)
    # Moved, no identifiers: a possible namesake for a reviewer.
    (b,) = register(client, court, dict(first, address=new_home, identifiers={}))
    resolve_all(database, settings)
    person_id, lb = link(database, a).person_id, link(database, b)
    assert lb.outcome == "review"
    reviews = client.get("/api/v1/identity/reviews", params={"limit": 500}, headers=bailiffs.headers).json()["reviews"]
    task_id = next(t["id"] for t in reviews if t["party"] and t["party"]["register_number"] == b)
    confirmed = client.post(f"/api/v1/identity/reviews/{task_id}/confirm", headers=bailiffs.headers,
                            json={"person_id": person_id, "reason": "сверено по паспорту"})
    assert confirmed.status_code == 200, confirmed.text

    def addresses() -> int:
        with database.reading() as s:
            return len(s.scalars(select(PersonAddress).where(PersonAddress.person_id == person_id)).all())

    assert addresses() == 2
    # The next writ at the new address needs no reviewer.
    (c,) = register(client, court, dict(first, address=new_home, identifiers={}))
    resolve_all(database, settings)
    assert (link(database, c).outcome, link(database, c).person_id) == ("linked", person_id)
    # Reopening the confirmation takes back the address it taught (the party may be a namesake after all).
    reopened = client.post(f"/api/v1/identity/reviews/{task_id}/reopen", headers=bailiffs.headers,
                           json={"reason": "ошибка"})
    assert reopened.status_code == 200, reopened.text
    assert addresses() == 1
    # The link made because of that address rests on nothing now: back to a reviewer, measures refused.
    lc = link(database, c)
    assert (lc.outcome, lc.person_id, lc.confirmed) == ("review", None, False)
    reviews = client.get("/api/v1/identity/reviews", params={"limit": 500}, headers=bailiffs.headers).json()["reviews"]
    task = next(t for t in reviews if t["party"] and t["party"]["register_number"] == c)
    assert [x["person"]["id"] for x in task["candidates"]] == [person_id]
    with database.reading() as s, pytest.raises(service.IdentityNotConfirmed):
        service.require_confirmed(session=s, register_number=c)
    # The writ with the identifier keeps its person: it never rested on the address.
    assert (link(database, a).person_id, link(database, a).confirmed) == (person_id, True)


def test_merge_and_unmerge_and_conflicting_identifiers(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    a, b, c = register(client, court, debtor(), debtor(), debtor(identifiers={"inn": identifiers.make_inn_person(RNG)}))
    d, = register(client, court, debtor(identifiers={"inn": identifiers.make_inn_person(RNG)}))
    resolve_all(database, settings)
    pa, pb, pc, pd = (link(database, n).person_id for n in (a, b, c, d))
    merged = client.post("/api/v1/identity/merges", headers=bailiffs.headers,
                         json={"survivor_id": pa, "merged_id": pb, "reason": "одно лицо по данным ЗАГС"}).json()
    assert client.get(f"/api/v1/identity/persons/{pa}", headers=bailiffs.headers).json()["merged_records"] == [pb]
    undone = client.post(f"/api/v1/identity/merges/{merged['merge_id']}/undo", headers=bailiffs.headers,
                         json={"reason": "ошибка"}).json()
    assert undone["undone"] is True
    assert client.get(f"/api/v1/identity/persons/{pa}", headers=bailiffs.headers).json()["merged_records"] == []
    refused = client.post("/api/v1/identity/merges", headers=bailiffs.headers,
                          json={"survivor_id": pc, "merged_id": pd, "reason": "попытка"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["rule"] == "identity.identifier_conflict"


def test_duplicate_records_are_merged_or_kept_apart_by_a_reviewer(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    first = debtor(birth_date=born, birth_place="г. Пенза", address="г. Пенза, ул. Московская, д. 1")
    second = dict(first, address="г. Пенза, ул. Кирова, д. 9", identifiers={"snils": identifiers.make_snils(RNG)})
    (a,) = register(client, court, first)
    resolve_all(database, settings)
    (b,) = register(client, court, second)
    resolve_all(database, settings)
    pa, pb = link(database, a).person_id, link(database, b).person_id
    reviews = client.get("/api/v1/identity/reviews", params={"limit": 500}, headers=bailiffs.headers).json()["reviews"]
    task = next(t for t in reviews if t["kind"] == "duplicate_cluster"
                and [c["person"]["id"] for c in t["candidates"]] == [pb, pa])
    url = f"/api/v1/identity/reviews/{task['id']}"
    wrong = client.post(f"{url}/confirm", headers=bailiffs.headers, json={"person_id": pa, "reason": "это он"})
    assert wrong.status_code == 409 and wrong.json()["errors"][0]["rule"] == "identity.review.kind"
    outsider = client.post(f"{url}/merge", headers=bailiffs.headers, json={"survivor_id": pa + pb, "reason": "одно лицо"})
    assert outsider.status_code == 422 and outsider.json()["errors"][0]["field"] == "survivor_id"
    assert client.post(f"{url}/merge", headers=court.headers, json={"survivor_id": pa, "reason": "x" * 5}).status_code == 403

    merged = client.post(f"{url}/merge", headers=bailiffs.headers,
                         json={"survivor_id": pa, "reason": "переехал, подтверждено СНИЛС"}).json()
    assert merged["status"] == "merged" and merged["resolution"]["survivor_id"] == pa
    person = client.get(f"/api/v1/identity/persons/{pa}", headers=bailiffs.headers).json()
    assert person["merged_records"] == [pb]
    assert sorted(w["register_number"] for w in person["writs"] if w["role"] == "debtor") == sorted([a, b])

    reopened = client.post(f"{url}/reopen", headers=bailiffs.headers, json={"reason": "ошибочно"}).json()
    assert reopened["status"] == "open"
    assert client.get(f"/api/v1/identity/persons/{pa}", headers=bailiffs.headers).json()["merged_records"] == []
    page = client.get(f"/identity/reviews/{task['id']}", headers={"Cookie": f"bailiff_token={bailiffs.token}"})
    assert page.status_code == 200 and "Возможно, одно лицо записано в реестре дважды" in page.text
    assert "Это разные лица" in page.text
    kept_apart = client.post(f"/identity/reviews/{task['id']}", headers={"Cookie": f"bailiff_token={bailiffs.token}"},
                             data={"decision": "distinct", "reason": "тёзки, разные СНИЛС в деле"},
                             follow_redirects=False)
    assert kept_apart.status_code == 303
    assert client.get(url, headers=bailiffs.headers).json()["status"] == "distinct"
    listing = client.get("/identity/reviews", headers={"Cookie": f"bailiff_token={bailiffs.token}"})
    assert listing.status_code == 200 and f'/identity/reviews/{task["id"]}"' not in listing.text


def test_identifiers_of_two_records_in_one_writ_merge_them(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from bailiff.identity.models import Person, PersonMerge

    born = unique_birth_date()
    inn, snils = identifiers.make_inn_person(RNG), identifiers.make_snils(RNG)
    with_inn = debtor(birth_date=born, address="г. Казань, ул. Баумана, д. 5", identifiers={"inn": inn})
    # Moved, and this court knew only the SNILS: a record of its own (and a possible duplicate).
    with_snils = dict(with_inn, address="г. Казань, ул. Декабристов, д. 80", identifiers={"snils": snils})
    (a,) = register(client, court, with_inn)
    resolve_all(database, settings)
    (b,) = register(client, court, with_snils)
    resolve_all(database, settings)
    pa, pb = link(database, a).person_id, link(database, b).person_id
    assert pa != pb
    (c,) = register(client, court, dict(with_snils, identifiers={"inn": inn, "snils": snils}))
    resolve_all(database, settings)
    lc = link(database, c)
    assert (lc.outcome, lc.person_id, lc.confirmed) == ("identifier", pa, True)
    with database.reading() as s:
        assert s.get(Person, pb).merged_into == pa
        merge = s.scalars(select(PersonMerge).where(PersonMerge.merged_id == pb)).one()
        assert service.canonical_person(session=s, person_id=pb) == pa
    # The duplicate task filed for b cannot be declared two people any more; the merge can be undone.
    reviews = client.get("/api/v1/identity/reviews", params={"limit": 500}, headers=bailiffs.headers).json()["reviews"]
    task = next(t for t in reviews if t["kind"] == "duplicate_cluster"
                and {x["person"]["id"] for x in t["candidates"]} == {pa, pb})
    refused = client.post(f"/api/v1/identity/reviews/{task['id']}/distinct", headers=bailiffs.headers,
                          json={"reason": "разные лица"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["rule"] == "identity.duplicates.merged"
    undone = client.post(f"/api/v1/identity/merges/{merge.id}/undo", headers=bailiffs.headers,
                         json={"reason": "ошибка суда в СНИЛС"}).json()
    assert undone["undone"] is True
    with database.reading() as s:
        assert s.get(Person, pb).merged_into is None



def test_an_identified_debtor_merges_their_record_without_identifiers_at_the_same_address(client, court, database, settings) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from bailiff.identity.models import Person, PersonMerge
    from bailiff.identity.rules import UNIDENTIFIED_RECORD

    born = unique_birth_date()
    inn = identifiers.make_inn_person(RNG)
    new_home, old_home = "г. Казань, ул. Декабристов, д. 80, кв. 4", "г. Казань, ул. Баумана, д. 5, кв. 12"
    # A writ without identifiers at the debtor's new address: nobody to link to yet, a record of its own.
    (y,) = register(client, court, debtor(birth_date=born, address=new_home))
    resolve_all(database, settings)
    # A writ with the INN at the old address: a person of its own (the address does not corroborate).
    (x,) = register(client, court, debtor(birth_date=born, address=old_home, identifiers={"inn": inn}))
    resolve_all(database, settings)
    py, px = (link(database, n).person_id for n in (y, x))
    assert None not in (py, px) and py != px
    # The INN at the new address: linked by the INN, and it matches the record without identifiers there.
    (z,) = register(client, court, debtor(surname="Соколова", given_name="Алексея", patronymic="Игоревича",
                                          birth_date=born, address=new_home, identifiers={"inn": inn}))
    resolve_all(database, settings)
    lz = link(database, z)
    assert (lz.outcome, lz.person_id, lz.confirmed) == ("identifier", px, True)
    with database.reading() as s:
        assert s.get(Person, py).merged_into == px
        merge = s.scalars(select(PersonMerge).where(PersonMerge.merged_id == py)).one()
        assert merge.reason == f"{z}: {UNIDENTIFIED_RECORD}"
        assert service.canonical_person(session=s, person_id=py) == px


def test_a_review_that_a_later_writ_settles_is_decided_again(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from bailiff.identity.models import ReviewTask

    born = unique_birth_date()
    inn = identifiers.make_inn_person(RNG)
    old_home, new_home = "г. Казань, ул. Баумана, д. 5, кв. 12", "г. Казань, ул. Декабристов, д. 80, кв. 4"
    (x,) = register(client, court, debtor(birth_date=born, address=old_home, identifiers={"inn": inn}))
    resolve_all(database, settings)
    # Without identifiers, at another address: the look-alike may be a namesake, so a reviewer decides.
    y, w = register(client, court, debtor(birth_date=born, address=new_home),
                    debtor(birth_date=born, address="г. Казань, ул. Чистопольская, д. 7, кв. 9"))
    resolve_all(database, settings)
    px = link(database, x).person_id
    assert [(link(database, n).outcome, link(database, n).confirmed) for n in (y, w)] == [("review", False)] * 2
    # The INN at the new address: the person was written there, and that is what the review waited for.
    (z,) = register(client, court, debtor(birth_date=born, address=new_home, identifiers={"inn": inn}))
    resolve_all(database, settings)
    assert link(database, z).person_id == px
    ly, lw = link(database, y), link(database, w)
    assert (ly.outcome, ly.person_id, ly.confirmed) == ("linked", px, True)
    assert ly.evidence["rechecked"]["outcome"] == "linked"
    assert (lw.outcome, lw.confirmed) == ("review", False)  # nothing new about that address
    with database.reading() as s:
        task = s.scalars(select(ReviewTask).where(ReviewTask.link_id == ly.id)).one()
        still_open = s.scalars(select(ReviewTask).where(ReviewTask.link_id == lw.id)).one()
        service.require_confirmed(session=s, register_number=y)  # measures are no longer refused
    assert (task.status, task.resolved_by, task.resolution["person_id"]) == ("confirmed", "system:identity-resolver", px)
    assert still_open.status == "open"
    # Settled like a reviewer's confirmation, it is reopened like one.
    reopened = client.post(f"/api/v1/identity/reviews/{task.id}/reopen", headers=bailiffs.headers,
                           json={"reason": "проверить вручную"})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"


def test_a_person_without_a_birth_date_is_looked_for_at_their_address_only(client, court, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    home = "г. Тверь, ул. Советская, д. 12, кв. 4"
    (a,) = register(client, court, debtor(surname="Лаптева", given_name="Ольга", patronymic="Игоревна",
                                          birth_date=born, address=home))
    resolve_all(database, settings)
    person = link(database, a).person_id

    def creditor_writ(address: str) -> str:
        mother = {"kind": "person", "surname": "Лаптева", "given_name": "Ольга", "patronymic": "Игоревна",
                  "address": address, "identifiers": {}}
        envelope = sign_envelope(court.document(debtors=[debtor()], creditors=[mother]), court.key)
        body = client.post("/api/v1/writs/batch", json={"envelopes": [envelope]}, headers=court.headers).json()
        assert body["rejected"] == 0, body
        return body["items"][0]["register_number"]

    at_home, elsewhere = creditor_writ(home), creditor_writ("г. Псков, ул. Ленина, д. 1, кв. 9")
    resolve_all(database, settings)
    with database.reading() as s:
        home_link = service.party_link(session=s, register_number=at_home, role="creditor")
        other_link = service.party_link(session=s, register_number=elsewhere, role="creditor")
    assert person in [c["id"] for c in home_link.evidence["candidates"]]
    # A namesake somewhere else is not even a candidate: no review, a record of her own.
    assert other_link.evidence["candidates"] == [] and other_link.outcome == "new"


def test_twins_are_never_merged_by_a_clerks_mixed_up_identifiers(client, court, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    home = "г. Вологда, ул. Мира, д. 3, кв. 7"
    ivan = debtor(given_name="Иван", birth_date=born, address=home,
                  identifiers={"inn": identifiers.make_inn_person(RNG)})
    pyotr = debtor(given_name="Пётр", birth_date=born, address=home,
                   identifiers={"snils": identifiers.make_snils(RNG)})
    a, b = register(client, court, ivan, pyotr)
    resolve_all(database, settings)
    # Ivan's writ, with his twin's SNILS copied next to his INN.
    (c,) = register(client, court, dict(ivan, identifiers={**ivan["identifiers"], **pyotr["identifiers"]}))
    resolve_all(database, settings)
    la, lb, lc = (link(database, n) for n in (a, b, c))
    assert la.person_id != lb.person_id
    assert lc.outcome == "review" and not lc.confirmed
    with database.reading() as s:
        assert service.canonical_person(session=s, person_id=lb.person_id) == lb.person_id  # not merged
