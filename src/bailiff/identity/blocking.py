"""Blocking for online resolution: what one batch knows (identifier owners, candidates from the
registry, records created earlier in the batch) and which candidates a party is compared with.

Each blocking rule is an exact join of the batch's own key tuples with the registry, served by an
index; the same keys index the batch's candidates in memory (`block_keys`, `index`, `block`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bailiff.core.db import one_of
from bailiff.identity import places, scoring
from bailiff.identity.models import PartyIdentifier, Person, PersonAddress, PersonMerge, ReviewTask
from bailiff.identity.rules import PartyRecord

BLOCK_LIMIT = 200
CANDIDATE_COLUMNS = (Person.id, Person.surname, Person.given_name, Person.patronymic, Person.birth_date,
                     Person.birth_place, Person.address, Person.surname_key, Person.given_key,
                     Person.surname_phonetic)  # candidates per party; a bigger block means the keys are too common to help


@dataclass
class Batch:
    """What one resolution batch has learnt and decided so far."""

    owners: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # (kind, value) -> (table, id)
    identifiers_of: dict[tuple[str, int], dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    candidates: dict[int, scoring.Candidate] = field(default_factory=dict)
    index: dict[tuple[Any, ...], list[int]] = field(default_factory=dict)  # blocking key -> candidate ids
    new_records: dict[int, PartyRecord] = field(default_factory=dict)  # provisional id -> record
    stored_pairs: set[tuple[str, str]] = field(default_factory=set)  # identifiers already in the database
    scores: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (party, candidate) -> score
    # (party, earlier party of the batch) -> score, for when the earlier one becomes a new person.
    within: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    merged: dict[int, tuple[int, str]] = field(default_factory=dict)  # record -> (survivor, why: register number and rule)
    # Records a reviewer declared distinct from another, or whose merge was undone: never merged at intake.
    kept_apart: set[int] = field(default_factory=set)
    # Birth date and given-name key of each stored person that owns one of the batch's identifiers.
    owner_facts: dict[int, tuple[Any, str | None]] = field(default_factory=dict)
    next_provisional: int = -1

    def provisional(self, record: PartyRecord) -> int:
        """A negative id for a record created in this batch (replaced by the real id on insert)."""
        pid = self.next_provisional
        self.next_provisional -= 1
        self.new_records[pid] = record
        return pid


def load_owners(session: Session, records: list[PartyRecord], batch: Batch) -> None:
    pairs = {(k, v) for r in records for k, v in r.identifiers.items()}
    if not pairs:
        return
    # Joined on (kind, value), the unique index's columns in its order: a condition on the value
    # alone cannot use that index, and read the whole table (1.7 s of 8.6 s at 1 M persons).
    body = ("SELECT i.kind, i.value, i.person_id, i.entity_id FROM w "
            "JOIN party_identifiers i ON i.kind = w.k AND i.value = w.v")
    for sql, params in _keyed_statements(session, sorted(pairs), "k, v", ("text", "text"), body):
        for kind, value, person_id, entity_id in session.connection().exec_driver_sql(sql, params).all():
            batch.owners[(kind, value)] = ("person", person_id) if person_id else ("entity", entity_id)
            batch.stored_pairs.add((kind, value))
    _canonicalise(session, batch)
    owners = {owner for owner in batch.owners.values()}
    _load_identifiers(session, owners, batch)
    people = [i for table, i in owners if table == "person"]
    if people:
        batch.owner_facts.update((i, (born, given)) for i, born, given in session.connection().execute(
            select(Person.id, Person.birth_date, Person.given_key).where(one_of(session, Person.id, people))).all())


def _canonicalise(session: Session, batch: Batch) -> None:
    """Follow merges: an identifier of a merged record belongs to its survivor."""
    ids = {i for table, i in batch.owners.values() if table == "person"}
    seen: set[int] = set()
    while ids:
        seen |= ids
        merged = dict(session.connection().execute(select(Person.id, Person.merged_into)
                                      .where(one_of(session, Person.id, ids), Person.merged_into.is_not(None))).all())
        if not merged:
            return
        batch.owners = {k: (t, merged.get(i, i) if t == "person" else i) for k, (t, i) in batch.owners.items()}
        ids = set(merged.values()) - seen  # a cycle of merges (which service.merge prevents) ends here


def _merge_groups(session: Session, survivors: Iterable[int]) -> dict[int, int]:
    """Every record merged into one of the survivors (directly or through others) → that survivor;
    the survivors map to themselves."""
    root = {i: i for i in survivors}
    frontier = set(root)
    while frontier:
        found = session.connection().execute(select(Person.id, Person.merged_into)
                                             .where(one_of(session, Person.merged_into, frontier))).all()
        frontier = {i for i, _ in found if i not in root}
        root.update({i: root[into] for i, into in found if i in frontier})
    return root


def group_identifiers(session: Session, survivors: Iterable[int]) -> dict[int, dict[str, str]]:
    """The identifiers of each surviving person record and of every record merged into it. A kind
    held with two values in one group gets a value no party shows: nothing agrees with both."""
    group = _merge_groups(session, survivors)
    held: dict[int, dict[str, str]] = defaultdict(dict)
    if not group:
        return held
    for kind, value, person_id in session.connection().execute(
            select(PartyIdentifier.kind, PartyIdentifier.value, PartyIdentifier.person_id)
            .where(one_of(session, PartyIdentifier.person_id, list(group))).order_by(PartyIdentifier.id)).all():
        survivor = group[person_id]
        if held[survivor].setdefault(kind, value) != value:
            held[survivor][kind] = f"\x00conflict:{survivor}"
    return held


def _load_identifiers(session: Session, owners: Iterable[tuple[str, int]], batch: Batch) -> None:
    person_ids = [i for t, i in owners if t == "person" and i > 0]
    entity_ids = [i for t, i in owners if t == "entity" and i > 0]
    # A survivor holds the identifiers of the records merged into it: a party showing another
    # value of a lifelong kind than any of them is another person.
    for survivor, identifiers in group_identifiers(session, person_ids).items():
        batch.identifiers_of[("person", survivor)].update(identifiers)
    if entity_ids:
        for kind, value, entity_id in session.connection().execute(
                select(PartyIdentifier.kind, PartyIdentifier.value, PartyIdentifier.entity_id)
                .where(one_of(session, PartyIdentifier.entity_id, entity_ids)).order_by(PartyIdentifier.id)).all():
            batch.identifiers_of[("entity", entity_id)].setdefault(kind, value)


def load_candidates(session: Session, persons: list[PartyRecord], batch: Batch) -> None:
    """Blocking: same birth date and (surname key, phonetic surname or given name); names alone
    for parties without a birth date."""
    ids = _blocked_ids(session, persons)
    if not ids:
        return
    # Plain rows, not ORM objects: thousands of candidates per batch, read once.
    rows = session.connection().execute(select(*CANDIDATE_COLUMNS).where(one_of(session, Person.id, ids))).all()
    addresses: dict[int, list[str]] = defaultdict(list)
    for person_id, key in session.connection().execute(select(PersonAddress.person_id, PersonAddress.address_key)
                                          .where(one_of(session, PersonAddress.person_id, ids))).all():
        addresses[person_id].append(key)
    for person in rows:
        own = places.address_key(person.address)
        index(batch, scoring.Candidate.from_person(
            person, tuple(a for a in addresses.get(person.id, ()) if a != own)))
    _load_identifiers(session, [("person", i) for i in batch.candidates], batch)
    batch.kept_apart = _kept_apart(session, set(batch.candidates) | {i for t, i in batch.owners.values() if t == "person"})


def _kept_apart(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    undone = session.execute(select(PersonMerge.survivor_id, PersonMerge.merged_id)
                             .where(PersonMerge.undone_at.is_not(None),
                                    or_(one_of(session, PersonMerge.survivor_id, ids),
                                        one_of(session, PersonMerge.merged_id, ids)))).all()
    apart = {i for pair in undone for i in pair}
    # Reviewers' "different people" decisions are few; their candidates are read in Python.
    for (candidates,) in session.execute(select(ReviewTask.candidates).where(ReviewTask.status == "distinct")):
        members = {c.get("id") for c in candidates}
        if members & ids:
            apart |= members
    return apart & ids


# Each blocking rule is an exact join of the batch's own key tuples with the registry, served by
# its composite index (models.Person). Conditions of the form `birth_date IN (all the batch's
# dates) AND surname IN (all its surnames)` would instead return the cross product of every date
# with every name of the batch, a set that grows with the registry.
_DATED_RULES = ("p.surname_key = w.s", "p.surname_phonetic = w.f", "p.given_key = w.g")
_SQLITE_ROWS = 2000  # key tuples per statement (SQLite allows 32,766 parameters)


def _undated_key(c: scoring.Candidate | PartyRecord) -> tuple[str, str] | None:
    address = places.address_key(c.address)
    return (address, c.surname_key) if address and c.surname_key else None


def _blocked_ids(session: Session, persons: list[PartyRecord]) -> set[int]:
    dated = {(p.birth_date, p.surname_key, p.surname_phonetic, p.given_key)
             for p in persons if p.birth_date is not None}
    # Parties without a birth date (creditors who are people, mostly): only a record written at the
    # same address under the same surname can be linked to them (rules.corroborated), so that is the
    # block. By names alone, "Иванов Иван" would fetch every namesake of a registry of millions.
    undated = {key for p in persons if p.birth_date is None and (key := _undated_key(p))}
    live = "p.merged_into IS NULL"
    dated_sql = " UNION ".join(f"SELECT p.id FROM w JOIN persons p ON p.birth_date = w.d AND {rule} WHERE {live}"
                               for rule in _DATED_RULES)
    undated_sql = ("SELECT p.id FROM w JOIN person_addresses a ON a.address_key = w.a "
                   f"JOIN persons p ON p.id = a.person_id AND p.surname_key = w.s WHERE {live}")
    ids: set[int] = set()
    for keys, columns, types, body in ((dated, "d, s, f, g", ("date", "text", "text", "text"), dated_sql),
                                       (undated, "a, s", ("text", "text"), undated_sql)):
        for sql, params in _keyed_statements(session, list(keys), columns, types, body):
            ids.update(row[0] for row in session.connection().exec_driver_sql(sql, params).all())
    return ids


def _keyed_statements(session: Session, keys: list[tuple[Any, ...]], columns: str, types: tuple[str, ...],
                      body: str) -> Iterable[tuple[str, Any]]:
    """`WITH w(columns) AS (the keys) <body>`: one array parameter per column on PostgreSQL (a
    constant statement text), a VALUES list in chunks on SQLite (dates as their stored ISO text)."""
    if not keys:
        return
    if session.get_bind().dialect.name == "postgresql":
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        yield (f"WITH w({columns}) AS (SELECT * FROM unnest({arrays})) {body}",
               tuple(list(column) for column in zip(*keys, strict=True)))
        return
    row = "(" + ", ".join("?" for _ in types) + ")"
    for start in range(0, len(keys), _SQLITE_ROWS):
        chunk = keys[start:start + _SQLITE_ROWS]
        params = tuple(v.isoformat() if t == "date" else v for key in chunk for v, t in zip(key, types, strict=True))
        yield f"WITH w({columns}) AS (VALUES {', '.join(row for _ in chunk)}) {body}", params


def block_keys(c: scoring.Candidate | PartyRecord) -> list[tuple[Any, ...]]:
    """The blocking keys of a record (the same rules as the candidate query)."""
    if c.birth_date is None:
        key = _undated_key(c)
        return [("address", *key)] if key else []
    keys = [("surname", c.birth_date, c.surname_key), ("phonetic", c.birth_date, c.surname_phonetic)]
    if c.given_key:
        keys.append(("given", c.birth_date, c.given_key))
    return keys


def index(batch: Batch, candidate: scoring.Candidate) -> None:
    batch.candidates[candidate.id] = candidate
    for key in block_keys(candidate):
        batch.index.setdefault(key, []).append(candidate.id)
    if candidate.birth_date is not None:  # undated parties look up dated candidates by address too
        for address in (places.address_key(candidate.address), *candidate.other_addresses):
            if address and candidate.surname_key:
                batch.index.setdefault(("address", address, candidate.surname_key), []).append(candidate.id)


def block(record: PartyRecord, batch: Batch) -> list[scoring.Candidate]:
    found: dict[int, None] = {}
    for key in block_keys(record):
        for candidate_id in batch.index.get(key, ()):
            found[candidate_id] = None
    return [batch.candidates[i] for i in list(found)[:BLOCK_LIMIT] if i not in batch.merged]
