"""What a review decides on: organisation records for organisation parties, and records a rejection made."""

from __future__ import annotations

import random

from sqlalchemy import select

from bailiff.core.crypto import sign_envelope
from bailiff.identity import identifiers, service
from bailiff.identity.models import LegalEntity, PartyIdentifier, Person, ReviewTask
from tests.integration.identity.test_resolution import debtor, link, register, resolve_all, unique_birth_date

RNG = random.Random(53)


def _creditor_writ(client, court, ids: dict[str, str], name: str) -> str:  # noqa: ANN001
    document = court.document(debtors=[debtor()], creditors=[
        {"kind": "organization", "name": name, "identifiers": ids, "address": "г. Москва, ул. Тверская, д. 1"}])
    body = client.post("/api/v1/writs/batch", json={"envelopes": [sign_envelope(document, court.key)]},
                       headers=court.headers).json()
    assert body["rejected"] == 0, body
    return body["items"][0]["register_number"]


def _organisation_in_review(client, court, database, settings, name: str) -> tuple[str, int, list[int]]:  # noqa: ANN001
    """A creditor whose INN was registered with one record and its OGRN with another."""
    inn, ogrn = identifiers.make_inn_org(RNG), identifiers.make_ogrn(RNG)
    first = _creditor_writ(client, court, {"inn": inn}, name)
    second = _creditor_writ(client, court, {"ogrn": ogrn}, name)
    resolve_all(database, settings)
    number = _creditor_writ(client, court, {"inn": inn, "ogrn": ogrn}, name)
    resolve_all(database, settings)
    with database.reading() as s:
        records = [service.party_link(session=s, register_number=n, role="creditor").entity_id for n in (first, second)]
        party = service.party_link(session=s, register_number=number, role="creditor")
        assert party.outcome == "review" and party.entity_id is None
        task = s.scalars(select(ReviewTask).where(ReviewTask.link_id == party.id)).one()
    return number, task.id, records


def test_an_organisations_review_offers_organisation_records_and_confirms_one(
        client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    number, task, records = _organisation_in_review(client, court, database, settings, "ООО «Ромашка»")
    shown = client.get(f"/api/v1/identity/reviews/{task}", headers=bailiffs.headers).json()
    assert shown["party"]["kind"] == "organization"
    assert sorted(c["entity"]["id"] for c in shown["candidates"]) == sorted(records)
    assert all("person" not in c and "Ромашка" in c["entity"]["name"] for c in shown["candidates"])
    # A person's id is refused: the party is an organisation.
    refused = client.post(f"/api/v1/identity/reviews/{task}/confirm", headers=bailiffs.headers,
                          json={"person_id": records[0], "reason": "это она"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "entity_id"
    done = client.post(f"/api/v1/identity/reviews/{task}/confirm", headers=bailiffs.headers,
                       json={"entity_id": records[0], "reason": "та же организация по выписке ЕГРЮЛ"})
    assert done.status_code == 200, done.text
    with database.reading() as s:
        party = service.party_link(session=s, register_number=number, role="creditor")
        assert (party.entity_id, party.person_id, party.confirmed) == (records[0], None, True)
    reopened = client.post(f"/api/v1/identity/reviews/{task}/reopen", headers=bailiffs.headers,
                           json={"reason": "проверить ещё раз"})
    assert reopened.status_code == 200 and reopened.json()["party"]["entity_id"] is None


def test_an_organisation_is_decided_on_the_page_and_a_rejection_makes_an_organisation_record(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    number, task, records = _organisation_in_review(client, court, database, settings, "ООО «Лютик»")
    # The reviewer's page shows the organisation records and confirms one of them by its form.
    try:
        client.post("/login", data={"token": bailiffs.token, "next": "/"}, follow_redirects=False)
        page = client.get(f"/identity/reviews/{task}")
        assert page.status_code == 200 and page.text.count('name="entity_id"') == 2 and "Лютик" in page.text
        assert "идентификаторы стороны принадлежат разным записям реестра" in page.text  # the reason, in Russian
        decided = client.post(f"/identity/reviews/{task}", data={"decision": "confirm", "entity_id": records[1],
                                                                 "reason": "по выписке"}, follow_redirects=False)
        assert decided.status_code == 303, decided.text
    finally:
        client.cookies.clear()
    with database.reading() as s:
        assert service.party_link(session=s, register_number=number, role="creditor").entity_id == records[1]
    client.post(f"/api/v1/identity/reviews/{task}/reopen", headers=bailiffs.headers, json={"reason": "ошибка"})
    done = client.post(f"/api/v1/identity/reviews/{task}/reject", headers=bailiffs.headers,
                       json={"reason": "другая организация"})
    assert done.status_code == 200, done.text
    with database.reading() as s:
        party = service.party_link(session=s, register_number=number, role="creditor")
        assert party.person_id is None and party.entity_id not in (None, *records)
        assert "Лютик" in s.get(LegalEntity, party.entity_id).name


def test_reopening_a_rejection_removes_the_record_it_made(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    first = debtor(surname="Смирнов", given_name="Павел", patronymic="Андреевич", birth_date=born,
                   birth_place="г. Тула", address="г. Тула, ул. Советская, д. 1")
    second = dict(first, address="г. Москва, ул. Арбат, д. 2", identifiers={"passport": "4511 654321"})
    a, = register(client, court, first)
    resolve_all(database, settings)
    b, = register(client, court, second)
    resolve_all(database, settings)
    assert link(database, b).outcome == "review"
    reviews = client.get("/api/v1/identity/reviews", params={"limit": 500}, headers=bailiffs.headers).json()
    task = next(t["id"] for t in reviews["reviews"] if t["party"] and t["party"]["register_number"] == b)
    made = client.post(f"/api/v1/identity/reviews/{task}/reject", headers=bailiffs.headers,
                       json={"reason": "другое лицо"}).json()["party"]["person_id"]
    client.post(f"/api/v1/identity/reviews/{task}/reopen", headers=bailiffs.headers, json={"reason": "ошибка"})
    with database.reading() as s:
        assert s.get(Person, made) is None
        assert not s.scalars(select(PartyIdentifier).where(PartyIdentifier.person_id == made)).all()
    person = link(database, a).person_id
    confirmed = client.post(f"/api/v1/identity/reviews/{task}/confirm", headers=bailiffs.headers,
                            json={"person_id": person, "reason": "он же"})
    assert confirmed.status_code == 200, confirmed.text
    # The next writ with the passport goes where the reviewer put the party, not to the removed record.
    c, = register(client, court, second)
    resolve_all(database, settings)
    assert link(database, c).person_id == person


def test_a_passport_written_for_another_person_goes_to_a_reviewer(client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    # A passport has no check digit: a clerk's slip can land on a real number of someone else.
    a, = register(client, court, debtor(surname="Петров", given_name="Пётр", patronymic="Петрович",
                                        birth_date=unique_birth_date(), identifiers={"passport": "4510 123457"}))
    resolve_all(database, settings)
    b, = register(client, court, debtor(surname="Сидорова", given_name="Мария", patronymic="Ивановна",
                                        birth_date=unique_birth_date(), address="г. Тверь, ул. Ленина, д. 2",
                                        identifiers={"passport": "4510 123457"}))
    resolve_all(database, settings)
    doubted = link(database, b)
    assert (doubted.outcome, doubted.person_id, doubted.confirmed) == ("review", None, False)
    assert doubted.evidence["conflict"] == "the identifier's record has another birth date and given name"
    # The same person with a changed surname (a marriage) keeps the identifier's link.
    c, = register(client, court, debtor(surname="Сидоров", given_name="Пётр", patronymic="Петрович",
                                        birth_date=link_birth_date(database, a), identifiers={"passport": "4510 123457"}))
    resolve_all(database, settings)
    assert (link(database, c).outcome, link(database, c).person_id) == ("identifier", link(database, a).person_id)


def link_birth_date(database, number: str) -> str:  # noqa: ANN001
    with database.reading() as s:
        return s.get(Person, link(database, number).person_id).birth_date.isoformat()
