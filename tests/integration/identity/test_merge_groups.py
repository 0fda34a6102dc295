"""Merged records act as one person: their identifiers are the group's, and merges never form a cycle."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from bailiff.core.actor import Actor
from bailiff.core import sequences
from bailiff.core.clock import utcnow
from bailiff.core.errors import Conflict
from bailiff.identity import identifiers, service
from bailiff.identity.models import Person
from tests.integration.identity.test_resolution import debtor, link, register, resolve_all, unique_birth_date

RNG = random.Random(31)
REVIEWER = Actor(kind="org", ident="REVIEWER", role="bailiff_service", org_id=None)


def test_a_party_with_another_inn_than_a_merged_record_is_not_linked_to_its_survivor(
        client, court, bailiffs, database, settings) -> None:  # noqa: ANN001
    born = unique_birth_date()
    home = "г. Пенза, ул. Московская, д. 1, кв. 2"
    inn_x, inn_y = identifiers.make_inn_person(RNG), identifiers.make_inn_person(RNG)
    a, = register(client, court, debtor(birth_date=born, address=home))
    b, = register(client, court, debtor(birth_date=born, address="г. Пенза, ул. Кирова, д. 9",
                                        identifiers={"inn": inn_x}))
    resolve_all(database, settings)
    pa, pb = link(database, a).person_id, link(database, b).person_id
    assert pa != pb
    merged = client.post("/api/v1/identity/merges", headers=bailiffs.headers,
                         json={"survivor_id": pa, "merged_id": pb, "reason": "одно лицо"})
    assert merged.status_code == 200, merged.text
    # Same name and birth date at the survivor's own address, but an INN other than the group's.
    c, = register(client, court, debtor(birth_date=born, address=home, identifiers={"inn": inn_y}))
    resolve_all(database, settings)
    lc = link(database, c)
    assert lc.person_id != pa, "a second INN was attached to one merged person"
    with database.reading() as s:
        assert service._group_identifiers(s, pa) == {"inn": inn_x}


def test_merges_made_at_once_in_opposite_directions_never_form_a_cycle(backend, database, monkeypatch) -> None:  # noqa: ANN001
    """Reviewer 1 merges B into A between reviewer 2 reading the survivors and locking them for
    "A into B": reviewer 2 must see the merge once its locks are taken, not write a cycle."""
    if backend == "sqlite":
        pytest.skip("SQLite writers take the write lock at BEGIN IMMEDIATE: the interleaving cannot occur")
    born = unique_birth_date()
    with database.transaction() as s:
        first = sequences.allocate(s, "person", 2)  # person ids come from the counter, as intake's do
        ids = [first, first + 1]
        for pid in ids:
            p = Person(id=pid, surname="Иванов", given_name="Иван", patronymic="Иванович", gender="male",
                       birth_date=date.fromisoformat(born), surname_key="ИВАНОВ",
                       given_key="ИВАН", patronymic_key="ИВАНОВИЧ", surname_phonetic="ИВАНОВ", name_parsed=True,
                       created_at=utcnow())
            s.add(p)
    a, b = ids
    real = service.canonical_person
    calls = []

    def stale(*, session, person_id):  # noqa: ANN001
        found = real(session=session, person_id=person_id)
        calls.append(person_id)
        if len(calls) == 2:  # both survivors read, nothing locked yet: the other reviewer commits
            with database.transaction() as other:
                service.merge(session=other, survivor_id=a, merged_id=b, reason="первый", actor=REVIEWER)
        return found

    monkeypatch.setattr(service, "canonical_person", stale)
    with pytest.raises(Conflict) as refused, database.transaction() as s:
        service.merge(session=s, survivor_id=b, merged_id=a, reason="второй", actor=REVIEWER)
    assert refused.value.errors[0].rule == "identity.merge.same"
    with database.reading() as s:
        rows = dict(s.execute(select(Person.id, Person.merged_into).where(Person.id.in_(ids))).all())
    assert rows == {a: None, b: a}
