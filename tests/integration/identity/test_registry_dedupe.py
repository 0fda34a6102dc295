"""Whole-registry deduplication and training on a registry with planted duplicates and namesakes.

The registry is written directly (as a data migration or a bulk import would fill it), so that the
records that must be found are known: one human entered twice from writs that named them
differently, and namesakes whose identifiers tell them apart.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bailiff.core import sequences
from bailiff.core.actor import CLI_ADMIN
from bailiff.core.clock import utcnow
from bailiff.core.db import Database, upgrade
from bailiff.demo import people
from bailiff.identity.dedupe import dedupe_registry
from bailiff.identity.models import LinkageModel, PartyIdentifier, Person, ReviewTask
from bailiff.identity.parties import party_record
from bailiff.identity.training import train
from tests.conftest import fresh_database_url

FILLER = 1200

# (tag, party) pairs: parties with the same first letter of the tag are one human, except the namesakes.
PLANTED: list[tuple[str, dict[str, Any]]] = [
    # One man: once with his INN in the nominative, once transliterated without any identifier.
    ("a1", {"surname": "Колокольцев", "given_name": "Аркадий", "patronymic": "Львович", "birth_date": "1971-04-19",
            "birth_place": "г. Тверь", "address": "г. Тверь, ул. Советская, д. 5, кв. 12",
            "identifiers": {"inn": "500100732259"}}),
    ("a2", {"surname": "Kolokoltsev", "given_name": "Arkadiy", "patronymic": "Lvovich", "birth_date": "1971-04-19",
            "birth_place": "Tver", "address": "г. Тверь, ул. Советская, д. 5, кв. 12", "identifiers": {}}),
    # One woman: a writ named her in the genitive and swapped surname and given name.
    ("b1", {"surname": "Зарецкая", "given_name": "Олеся", "patronymic": "Игоревна", "birth_date": "1988-11-02",
            "birth_place": "г. Казань", "address": "г. Казань, ул. Баумана, д. 40, кв. 3",
            "identifiers": {"snils": "112-233-445 95"}}),
    ("b2", {"surname": "Олеси", "given_name": "Зарецкой", "patronymic": "Игоревны", "birth_date": "1988-11-02",
            "birth_place": "г. Казань", "address": "г. Казань, ул. Баумана, д. 40, кв. 3", "identifiers": {}}),
    # Namesakes: the same name and birth date, two different valid INNs: two people.
    ("n1", {"surname": "Белозёров", "given_name": "Глеб", "patronymic": "Осипович", "birth_date": "1965-07-30",
            "birth_place": "г. Пермь", "address": "г. Пермь, ул. Ленина, д. 1, кв. 1",
            "identifiers": {"inn": "590211345647"}}),
    ("n2", {"surname": "Белозеров", "given_name": "Глеб", "patronymic": "Осипович", "birth_date": "1965-07-30",
            "birth_place": "г. Пермь", "address": "г. Пермь, ул. Мира, д. 9, кв. 70",
            "identifiers": {"inn": "590298765435"}}),
]


def _load(database: Database, parties: list[dict[str, Any]]) -> list[int]:
    """Registry persons with their identifiers, normalised as the resolver stores them; their ids."""
    now = utcnow()
    with database.transaction() as session:
        first = sequences.allocate(session, "person", len(parties))
        persons, ids = [], []
        for offset, party in enumerate(parties):
            r = party_record("import", "debtor", 0, {"kind": "person", **party})
            persons.append({"id": first + offset, "surname": r.surname, "given_name": r.given_name,
                            "patronymic": r.patronymic, "gender": r.gender, "birth_date": r.birth_date,
                            "birth_place": r.birth_place, "address": r.address, "surname_key": r.surname_key,
                            "given_key": r.given_key, "patronymic_key": r.patronymic_key,
                            "surname_phonetic": r.surname_phonetic, "name_parsed": r.name_parsed,
                            "merged_into": None, "created_at": now})
            ids += [{"kind": k, "value": v, "person_id": first + offset, "entity_id": None, "created_at": now}
                    for k, v in r.identifiers.items()]
        session.execute(insert(Person), persons)
        session.execute(insert(PartyIdentifier), ids)
    return [first + offset for offset in range(len(parties))]


def test_dedupe_files_one_human_entered_twice_and_never_namesakes(backend: str, tmp_path: Path) -> None:
    url = fresh_database_url(backend, tmp_path, "registry_dedupe")
    upgrade(url)
    database = Database(url)
    try:
        filler = [{"surname": p.surname, "given_name": p.given_name, "patronymic": p.patronymic,
                   "birth_date": p.birth_date.isoformat(), "birth_place": p.birth_place, "address": p.address,
                   "identifiers": {k: v for k, v in (("inn", p.inn), ("snils", p.snils)) if v}}
                  for p in people.make_population(random.Random(7), FILLER)]
        planted = dict(zip([tag for tag, _ in PLANTED], _load(database, [party for _, party in PLANTED]), strict=True))
        _load(database, filler)

        with database.transaction() as session:
            summary = dedupe_registry(session=session, actor=CLI_ADMIN)
        assert summary["persons"] == FILLER + len(PLANTED)
        with database.reading() as session:
            clusters = [sorted(c["id"] for c in task.candidates) for task in session.scalars(
                select(ReviewTask).where(ReviewTask.kind == "duplicate_cluster"))]
        assert len(clusters) == summary["filed"]
        assert sorted([planted["a1"], planted["a2"]]) in clusters  # transliterated, no identifier
        assert sorted([planted["b1"], planted["b2"]]) in clusters  # genitive, names swapped
        assert not any(planted["n1"] in c and planted["n2"] in c for c in clusters)  # two valid INNs

        # Training on the registry blocks the same way and puts a model in force.
        with database.transaction() as session:
            model = train(session=session)
        with database.reading() as session:
            stored = session.get(LinkageModel, model.id)
        assert stored is not None and stored.pairs > 0
        birth = next(c for c in stored.parameters["comparisons"] if c["name"] == "birth_date")
        # Agreeing on the birth date is far likelier among matches than among random pairs.
        assert birth["m"][0] > 10 * birth["u"][0]
    finally:
        database.dispose()
