"""Online resolution: every party of newly registered writs becomes a confirmed link, a new record,
or a review task. Runs in batches from the outbox (`writ.registered`), one transaction per batch.

Per batch: one query for identifier owners, one for blocking candidates, one for their identifiers
(`identity.blocking`), vectorised Fellegi–Sunter scoring, then bulk inserts. Reads go through the Core connection (plain
rows, no ORM loading) and writes through `core.bulk.insert_rows` (COPY on PostgreSQL). Records created earlier in the same batch take
part in matching, so the same new debtor in two writs of one batch becomes one person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bailiff.core import audit, sequences
from bailiff.core.actor import Actor
from bailiff.core.clock import utcnow
from bailiff.core.bulk import insert_rows
from bailiff.core.db import one_of
from bailiff.identity import places, rules, scoring
from bailiff.identity.models import (LegalEntity, PartyIdentifier, PartyLink, Person, PersonAddress, PersonMerge,
                                     ReviewTask)
from bailiff.identity.blocking import Batch as _Batch
from bailiff.identity.blocking import block as _block
from bailiff.identity.blocking import index as _index
from bailiff.identity.blocking import block_keys as _keys
from bailiff.identity.blocking import load_candidates as _load_candidates
from bailiff.identity.blocking import load_owners as _load_owners
from bailiff.identity.parties import party_of, party_records
from bailiff.identity.rules import Decision, PartyRecord

def resolve_writs(*, session: Session, documents: dict[str, dict[str, Any]], actor: Actor,
                  model: scoring.LinkageModel) -> list[Decision]:
    """Resolve the parties of the given writs (register number -> document); idempotent."""
    done = {(rn, role, pos) for rn, role, pos in session.connection().execute(
        select(PartyLink.register_number, PartyLink.role, PartyLink.position)
        .where(one_of(session, PartyLink.register_number, documents)))}
    records = [r for rn, doc in documents.items() for r in party_records(rn, doc)
               if (r.register_number, r.role, r.position) not in done]
    if not records:
        return []
    batch = _Batch()
    _load_owners(session, records, batch)
    persons = [r for r in records if r.kind == "person"]
    _load_candidates(session, persons, batch)
    # Score every party against its stored candidates at once; candidates created within this
    # batch (a new debtor seen twice) are scored when they appear.
    pairs = [(r, c) for r in persons for c in _block(r, batch)]
    batch.scores = {(id(r), s["id"]): s for (r, _), s in zip(pairs, scoring.score_pairs(model, pairs), strict=True)}
    # Also each party against the earlier parties of the batch that share a blocking key with it
    # (one vectorised pass instead of one per party that meets a person created in this batch).
    earlier = _pairs_within(persons)
    batch.within = {(id(r), id(e)): s for (r, e), s in zip(
        earlier, scoring.score_pairs(model, [(r, scoring.Candidate.from_record(e, 0)) for r, e in earlier]),
        strict=True)}
    decisions = []
    for record in records:
        decision = (decide_person(record, batch, model) if record.kind == "person"
                    else _decide_entity(record, batch))
        decisions.append(decision)
    learnt = _store(session, records, decisions, batch, actor)
    # Reviews waiting on persons this batch taught the registry something about may be settled now.
    from bailiff.identity.recheck import recheck_reviews  # it decides with this module's rules

    recheck_reviews(session=session, actor=actor, model=model, person_ids=learnt)
    return decisions


def _pairs_within(persons: list[PartyRecord]) -> list[tuple[PartyRecord, PartyRecord]]:
    """(party, earlier party) pairs of the batch with a blocking key in common."""
    seen: dict[tuple[Any, ...], list[PartyRecord]] = {}
    pairs: dict[tuple[int, int], tuple[PartyRecord, PartyRecord]] = {}
    for record in persons:
        keys = _keys(record)
        for key in keys:
            for other in seen.get(key, ()):
                pairs.setdefault((id(record), id(other)), (record, other))
        for key in keys:
            seen.setdefault(key, []).append(record)
    return list(pairs.values())


def _absorb(batch: _Batch, survivor: int, others: list[int], reason: str) -> None:
    """Merge records into `survivor` for the rest of the batch (stored by _store): their identifiers
    are the survivor's, and blocking no longer offers them as candidates of their own."""
    for other in others:
        batch.merged[other] = (survivor, reason)
        batch.owners = {k: (t, survivor if t == "person" and i == other else i) for k, (t, i) in batch.owners.items()}
        for kind, value in batch.identifiers_of.get(("person", other), {}).items():
            batch.identifiers_of[("person", survivor)].setdefault(kind, value)


def _fold(text: str | None) -> str:
    return (text or "").casefold().replace("ё", "е")


def _same_full_name(record: PartyRecord, batch: _Batch) -> set[int]:
    """Records with the party's birth date and full normalised name (twins share a surname and a
    birth date, not a given name), which no reviewer has declared a different person."""
    return {c.id for c in _block(record, batch)
            if c.birth_date == record.birth_date and c.surname_key == record.surname_key
            and c.given_key == record.given_key and _fold(c.patronymic) == _fold(record.patronymic)
            and c.id not in batch.kept_apart}


def _known_score(record: PartyRecord, candidate: scoring.Candidate, batch: _Batch) -> dict[str, Any] | None:
    score = batch.scores.get((id(record), candidate.id))
    if score is None and candidate.id < 0:  # a person created from an earlier party of this batch
        within = batch.within.get((id(record), id(batch.new_records[candidate.id])))
        score = None if within is None else {**within, "id": candidate.id}
    return score


def decide_person(record: PartyRecord, batch: _Batch, model: scoring.LinkageModel) -> Decision:
    """The decision for one person party against what the batch knows (rules 1-6 of docs/identity.md);
    a new person gets a provisional id, and its identifiers become its own, for the rest of the batch."""
    hits = {kind: batch.owners[(kind, value)][1] for kind, value in record.identifiers.items()
            if (kind, value) in batch.owners and batch.owners[(kind, value)][0] == "person"}
    known = {i: batch.identifiers_of.get(("person", i), {}) for i in hits.values()}
    # Only when the identifiers point at several records: which of them agree on name and birth date.
    agreeing = _same_full_name(record, batch) if len(set(hits.values())) > 1 else set()
    decision = rules.decide_by_identifiers(record, hits, known, agreeing)
    if decision is not None and decision.outcome == "identifier" and "duplicate_reason" not in decision.evidence:
        decision = _unless_another(record, decision, batch)
    if decision is None:
        decision = rules.identified_newcomer(record, rules.decide_by_score(record, _scored(record, batch, model)))
    elif decision.outcome == "identifier" and "duplicate_reason" not in decision.evidence:
        target = decision.target_id
        others = ([] if target in batch.kept_apart else
                  [s for s in _scored(record, batch, model, exclude=target) if s["id"] not in batch.kept_apart])
        lifelong = {s["id"] for s in others
                    if rules.LIFELONG & set(batch.identifiers_of.get(("person", s["id"]), {}))}
        twin = rules.unidentified_twin(others, lifelong)
        if twin is not None:
            decision.evidence["possible_duplicates"] = [{"id": twin["id"], "probability": round(twin["probability"], 6)}]
            decision.evidence["duplicate_reason"] = rules.UNIDENTIFIED_RECORD
    broken = rules.birth_data_conflicts(record)
    if broken and decision.confirmed:
        decision.confirmed = False
        decision.outcome = "review"
        decision.evidence["identifier_birth_data"] = broken
        if decision.target_id is not None:
            decision.review_candidates = [{"id": decision.target_id, "reason": ", ".join(broken)}]
            decision.target_id = None
        decision.review_candidates += [{"id": d["id"], "reason": ", ".join(broken)}
                                       for d in decision.evidence.pop("possible_duplicates", [])]
    elif decision.evidence.get("duplicate_reason") in (rules.ONE_HUMAN, rules.UNIDENTIFIED_RECORD):
        # Merged only when the party's own birth data holds: a doubtful party merges nothing.
        _absorb(batch, decision.target_id, [d["id"] for d in decision.evidence.pop("possible_duplicates")],
                f"{record.register_number}: {decision.evidence['duplicate_reason']}")
    if decision.outcome == "new":
        decision.target_id = batch.provisional(record)
        _index(batch, scoring.Candidate.from_record(record, decision.target_id))
    if decision.target_id is not None:
        owner = ("person", decision.target_id)
        for kind, value in record.identifiers.items():
            if (kind, value) not in batch.owners:
                batch.owners[(kind, value)] = owner
                batch.identifiers_of[owner].setdefault(kind, value)
    return decision


def _unless_another(record: PartyRecord, decision: Decision, batch: _Batch) -> Decision:
    """The identifier's link, or a review when its record has another birth date and given name."""
    target = decision.target_id
    known = batch.new_records.get(target) if target is not None and target < 0 else None
    born, given = (known.birth_date, known.given_key) if known else batch.owner_facts.get(target, (None, None))
    if not rules.identifier_of_another(record, born, given):
        return decision
    reason = "the identifier's record has another birth date and given name"
    evidence = {**decision.evidence, "conflict": reason}
    return Decision("review", None, None, False, evidence, [{"id": target, "reason": reason}])


def _scored(record: PartyRecord, batch: _Batch, model: scoring.LinkageModel,
            exclude: int | None = None) -> list[dict[str, Any]]:
    """The party's blocked candidates (none holding another value of a lifelong identifier the party
    shows), scored, best first."""
    block = [c for c in _block(record, batch) if c.id != exclude
             and not rules.conflicting_kinds(record.identifiers, batch.identifiers_of.get(("person", c.id), {}))]
    found = [(c, _known_score(record, c, batch)) for c in block]
    known = [score for _, score in found if score is not None]
    fresh = scoring.score_pairs(model, [(record, c) for c, score in found if score is None])
    return sorted(known + fresh, key=lambda item: -item["probability"])


def _decide_entity(record: PartyRecord, batch: _Batch) -> Decision:
    hits = {kind: batch.owners[(kind, value)][1] for kind, value in record.identifiers.items()
            if (kind, value) in batch.owners and batch.owners[(kind, value)][0] == "entity"}
    decision = rules.decide_by_identifiers(record, hits, {})
    if decision is None:
        # Thousands of companies share a name like «Ромашка»: without an identifier, a new record.
        decision = Decision("new", None, None, bool(record.identifiers),
                            {"name_key": record.org_key, "legal_form": record.legal_form,
                             "note": "no identifier: not matched by name"})
        decision.target_id = batch.provisional(record)
    owner = ("entity", decision.target_id) if decision.target_id is not None else None
    if owner:
        for kind, value in record.identifiers.items():
            batch.owners.setdefault((kind, value), owner)
    return decision


def _store(session: Session, records: list[PartyRecord], decisions: list[Decision], batch: _Batch,
           actor: Actor) -> set[int]:
    """Store the batch's records, identifiers, addresses, links, merges and tasks; returns the persons
    it taught something new (an address, an identifier, a merged record; new persons among them),
    whose pending reviews may be decided differently now."""
    now = utcnow()
    real: dict[int, int] = {}
    persons = [(pid, r) for pid, r in batch.new_records.items() if r.kind == "person"]
    entities = [(pid, r) for pid, r in batch.new_records.items() if r.kind == "organization"]
    # Ids come from counters rather than INSERT ... RETURNING: a plain executemany is several
    # times faster for thousands of rows, and the counter keeps them unique under concurrency.
    if persons:
        first = sequences.allocate(session, "person", len(persons))
        real.update({pid: first + n for n, (pid, _) in enumerate(persons)})
        insert_rows(session, Person.__table__, [{"id": real[pid], **person_row(r, now)} for pid, r in persons])
    if entities:
        first = sequences.allocate(session, "legal_entity", len(entities))
        real.update({pid: first + n for n, (pid, _) in enumerate(entities)})
        insert_rows(session, LegalEntity.__table__, [{"id": real[pid], "name": r.org_name, "name_key": r.org_key or "",
                                               "legal_form": r.legal_form, "address": r.address, "created_at": now}
                                              for pid, r in entities])
    identifier_rows = []
    for (kind, value), (table, owner) in batch.owners.items():
        if (kind, value) in batch.stored_pairs:
            continue
        owner = real.get(owner, owner)
        identifier_rows.append({"kind": kind, "value": value, "created_at": now,
                                "person_id": owner if table == "person" else None,
                                "entity_id": owner if table == "entity" else None})
    if identifier_rows:
        insert_rows(session, PartyIdentifier.__table__, identifier_rows)
    learnt = {row["person_id"] for row in identifier_rows if row["person_id"] is not None}
    learnt |= _remember_addresses(session, records, decisions, real, now)
    learnt |= {real.get(survivor, survivor) for survivor, _ in batch.merged.values()}
    link_rows = []
    for record, decision in zip(records, decisions, strict=True):
        target = real.get(decision.target_id, decision.target_id) if decision.target_id is not None else None
        decision.target_id = target
        # Candidates created earlier in this batch carry provisional ids until now.
        for item in (*decision.review_candidates, *decision.evidence.get("candidates", []),
                     *decision.evidence.get("possible_duplicates", [])):
            item["id"] = real.get(item["id"], item["id"])
        matches = decision.evidence.get("identifier_matches")
        if matches:
            decision.evidence["identifier_matches"] = {k: real.get(v, v) for k, v in matches.items()}
        link_rows.append({
            "register_number": record.register_number, "role": record.role, "position": record.position,
            "party_kind": record.kind, "person_id": target if record.kind == "person" else None,
            "entity_id": target if record.kind == "organization" else None, "outcome": decision.outcome,
            "probability": decision.probability, "confirmed": decision.confirmed,
            "evidence": {**decision.evidence, "normalised": _normalised(record), "identifiers": record.identifiers},
            "decided_at": now, "decided_by": actor.label})
    first = sequences.allocate(session, "party_link", len(link_rows))
    link_ids = [first + n for n in range(len(link_rows))]
    insert_rows(session, PartyLink.__table__, [{"id": link_id, **row} for link_id, row in zip(link_ids, link_rows, strict=True)])
    reviews = [{"kind": "party_match", "link_id": link_id, "candidates": decision.review_candidates,
                "status": "open", "opened_at": now}
               for link_id, decision in zip(link_ids, decisions, strict=True) if decision.outcome == "review"]
    if batch.merged:
        _store_merges(session, batch, real, actor, now)
    # A party made a person of its own by its identifier, resembling others: a possible duplicate.
    reviews += [{"kind": "duplicate_cluster", "link_id": None, "status": "open", "opened_at": now,
                 "candidates": [{"id": decision.target_id, "probability": 1.0},
                                *decision.evidence["possible_duplicates"]]}
                for decision in decisions
                if decision.evidence.get("possible_duplicates") and decision.target_id is not None]
    if reviews:
        insert_rows(session, ReviewTask.__table__, reviews)
    return learnt


def _store_merges(session: Session, batch: _Batch, real: dict[int, int], actor: Actor, now: Any) -> None:
    """The merges decided in this batch, stored as a reviewer's are (and undone the same way)."""
    rows = [PersonMerge(survivor_id=real.get(s, s), merged_id=real.get(m, m), merged_at=now, merged_by=actor.label,
                        reason=reason) for m, (s, reason) in batch.merged.items()]
    session.add_all(rows)
    session.flush()
    for row in rows:
        session.execute(update(Person).where(Person.id == row.merged_id).values(merged_into=row.survivor_id))
    audit.record(session, [audit.audit_row(actor=actor, action="identity.merged", subject_type="person",
                                           subject_id=str(row.merged_id), reason=row.reason, at=now,
                                           details={"survivor": row.survivor_id, "merge": row.id, "automatic": True})
                           for row in rows])


def _remember_addresses(session: Session, records: list[PartyRecord], decisions: list[Decision],
                        real: dict[int, int], now: Any) -> set[int]:
    """Record the address each confirmed person was written at (an address seen again is skipped);
    returns the persons with a new address."""
    wanted: dict[tuple[int, str], str] = {}
    for record, decision in zip(records, decisions, strict=True):
        key = places.address_key(record.address)
        if record.kind == "person" and decision.target_id is not None and key:
            wanted.setdefault((real.get(decision.target_id, decision.target_id), key), record.register_number)
    if not wanted:
        return set()
    known = set(session.connection().execute(select(PersonAddress.person_id, PersonAddress.address_key)
                                .where(one_of(session, PersonAddress.person_id, {p for p, _ in wanted}))).all())
    rows = [{"person_id": p, "address_key": a, "register_number": rn, "seen_at": now}
            for (p, a), rn in wanted.items() if (p, a) not in known]
    if rows:
        insert_rows(session, PersonAddress.__table__, rows)
    return {row["person_id"] for row in rows}


def person_row(record: PartyRecord, now: Any) -> dict[str, Any]:
    """The persons-table row of a new person record made from a party."""
    return {"surname": record.surname, "given_name": record.given_name, "patronymic": record.patronymic,
            "gender": record.gender, "birth_date": record.birth_date, "birth_place": record.birth_place,
            "address": record.address, "surname_key": record.surname_key, "given_key": record.given_key,
            "patronymic_key": record.patronymic_key, "surname_phonetic": record.surname_phonetic,
            "name_parsed": record.name_parsed, "merged_into": None, "created_at": now}


def _normalised(record: PartyRecord) -> dict[str, Any]:
    if record.kind == "organization":
        return {"name_key": record.org_key, "legal_form": record.legal_form}
    return {"surname": record.surname, "given_name": record.given_name, "patronymic": record.patronymic,
            "gender": record.gender, "parsed": record.name_parsed}


def _known_at(session: Session, person_id: int, address_key: str) -> bool:
    """Whether the registry has the person at this address (from any writ)."""
    return session.scalar(select(PersonAddress.id).where(PersonAddress.person_id == person_id,
                                                         PersonAddress.address_key == address_key)) is not None


def remember_party_address(*, session: Session, link: PartyLink, person_id: int,
                           party: dict[str, Any] | None = None) -> str | None:
    """Record the address a party was written at for the person a reviewer (or a recheck) decided it
    is, as intake records it for its own links: a later writ at that address is then corroborated.
    `party`: the party as its writ shows it, when the caller has read the writ already. Returns the
    address key when the row is new (a reopened review removes it again)."""
    if party is None:
        from bailiff.register import service as register

        document = register.documents(session=session, register_numbers=[link.register_number])[link.register_number]
        party = party_of(document, link.role, link.position)
    key = places.address_key(party.get("address"))
    if not key or _known_at(session, person_id, key):
        return None
    session.add(PersonAddress(person_id=person_id, address_key=key, register_number=link.register_number,
                              seen_at=utcnow()))
    session.flush()
    return key


def unsettle_address_links(*, session: Session, person_id: int, address_key: str, since: datetime,
                           excluded: int) -> list[int]:
    """Links the resolver made to the person, since an address was taught, at that address, and that
    nothing else confirms now that the address is taken back (a reopened review): each goes back to
    review, as it would have without the address (namesake protection). Returns their ids.

    Only links the score made (outcome "linked", no review of their own) are taken back: an
    identifier's link never rested on the address, and a reviewer's decision stands until a
    reviewer reopens it.
    """
    if _known_at(session, person_id, address_key):
        return []  # another writ taught the same address: it still corroborates
    links = list(session.scalars(select(PartyLink).where(
        PartyLink.person_id == person_id, PartyLink.outcome == "linked", PartyLink.confirmed.is_(True),
        PartyLink.decided_at >= since, PartyLink.id != excluded,
        ~select(ReviewTask.id).where(ReviewTask.link_id == PartyLink.id).exists()).with_for_update()))
    if not links:
        return []
    from bailiff.register import service as register

    documents = register.documents(session=session, register_numbers=sorted({k.register_number for k in links}))
    now, unsettled = utcnow(), []
    for link in links:
        party = party_of(documents[link.register_number], link.role, link.position)
        if places.address_key(party.get("address")) != address_key:
            continue
        link.person_id, link.confirmed, link.outcome = None, False, "review"
        link.evidence = {**link.evidence, "review_reason": "the address that corroborated the link was taken back"}
        session.add(ReviewTask(kind="party_match", link_id=link.id, status="open", opened_at=now,
                               candidates=[{"id": person_id, "probability": link.probability}]))
        unsettled.append(link.id)
    session.flush()
    return unsettled


def forget_party_address(*, session: Session, link: PartyLink, person_id: int, address_key: str) -> None:
    """Undo remember_party_address when the decision that taught it is reopened."""
    session.execute(delete(PersonAddress).where(PersonAddress.person_id == person_id,
                                                PersonAddress.address_key == address_key,
                                                PersonAddress.register_number == link.register_number))
