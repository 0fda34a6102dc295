"""Records in reviews: the organisation records a reviewer decides on for an organisation party,
and the record a rejection makes for a party declared distinct from every candidate.

An organisation's party goes to review when its identifiers belong to different records (say its
INN to one and its OGRN to another). Its candidates are legal-entity records, never persons: the
review shows them as organisations, a confirmation names an `entity_id`, and a rejection makes a
new organisation record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from bailiff.core import sequences
from bailiff.core.bulk import insert_rows
from bailiff.core.clock import utcnow
from bailiff.core.errors import Conflict, FieldError, NotFound
from bailiff.identity.models import LegalEntity, PartyIdentifier, PartyLink, Person
from bailiff.identity.parties import party_of, party_record
from bailiff.identity.rules import PartyRecord

# An organisation keeps these for life (Tax Code art. 84 for the INN; the OGRN and the Kazakh BIN
# are assigned once at state registration): two different values are two organisations.
ENTITY_LIFELONG = frozenset({"inn", "ogrn", "bin"})


def canonical_entity(session: Session, entity_id: int) -> int:
    """Follow merges of organisation records to the surviving one."""
    seen: set[int] = set()
    while entity_id not in seen:
        seen.add(entity_id)
        merged_into = session.scalar(select(LegalEntity.merged_into).where(LegalEntity.id == entity_id))
        if merged_into is None:
            break
        entity_id = merged_into
    return entity_id


def entity_identifiers(session: Session, entity_id: int) -> dict[str, str]:
    return dict(session.execute(select(PartyIdentifier.kind, PartyIdentifier.value)
                                .where(PartyIdentifier.entity_id == entity_id)).all())


def entity_json(entity: LegalEntity, identifiers: dict[str, str]) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "legal_form": entity.legal_form, "address": entity.address,
            "identifiers": identifiers, "merged_into": entity.merged_into}


def candidates(session: Session, listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A review's organisation candidates, each with its record."""
    ids = [c["id"] for c in listed if isinstance(c.get("id"), int) and c["id"] > 0]
    found = {e.id: e for e in session.scalars(select(LegalEntity).where(LegalEntity.id.in_(ids)))} if ids else {}
    return [{**c, "entity": entity_json(found[c["id"]], entity_identifiers(session, c["id"]))}
            for c in listed if c.get("id") in found]


def confirmable(session: Session, link: PartyLink, entity_id: int | None) -> int:
    """The surviving organisation record an organisation party may be confirmed as (errors name the rule)."""
    if entity_id is None:
        raise Conflict("the party is an organisation: confirm it as an organisation record",
                       errors=[FieldError("entity_id", "identity.review.party_kind",
                                          "an organisation party is confirmed with entity_id, not person_id")])
    entity_id = canonical_entity(session, entity_id)
    if session.get(LegalEntity, entity_id) is None:
        raise NotFound(f"no organisation {entity_id}")
    shown = link.evidence.get("identifiers") or {}
    held = entity_identifiers(session, entity_id)
    clash = sorted(k for k in ENTITY_LIFELONG if k in shown and k in held and shown[k] != held[k])
    if clash:
        raise Conflict(f"the party and organisation {entity_id} hold different {', '.join(clash)}",
                       errors=[FieldError("entity_id", "identity.identifier_conflict", ", ".join(clash))])
    return entity_id


def new_entity_for_link(*, session: Session, link: PartyLink) -> int:
    """Create the organisation a reviewer declared distinct from every candidate (with its free identifiers)."""
    record = record_of_link(session, link)
    now = utcnow()
    entity_id = sequences.allocate(session, "legal_entity", 1)
    insert_rows(session, LegalEntity.__table__, [{"id": entity_id, "name": record.org_name or "",
                                                 "name_key": record.org_key or "", "legal_form": record.legal_form,
                                                 "address": record.address, "merged_into": None, "created_at": now}])
    claim_free_identifiers(session, record.identifiers, now, entity_id=entity_id)
    return entity_id


def new_person_for_link(*, session: Session, link: PartyLink) -> int:
    """Create the person a reviewer declared distinct from every candidate (with its free identifiers)."""
    from bailiff.identity.resolve import person_row

    record = record_of_link(session, link)
    now = utcnow()
    person_id = sequences.allocate(session, "person", 1)
    insert_rows(session, Person.__table__, [{"id": person_id, **person_row(record, now)}])
    claim_free_identifiers(session, record.identifiers, now, person_id=person_id)
    return person_id


def record_of_link(session: Session, link: PartyLink) -> PartyRecord:
    """The party a link decides on, normalised from its registered writ."""
    from bailiff.register import service as register

    document = register.documents(session=session, register_numbers=[link.register_number])[link.register_number]
    return party_record(link.register_number, link.role, link.position, party_of(document, link.role, link.position))


def claim_free_identifiers(session: Session, shown: dict[str, str], now: datetime, *, person_id: int | None = None,
                           entity_id: int | None = None) -> None:
    """Give a new record the identifiers its party showed that no record holds yet."""
    taken = {(k, v) for k, v in session.execute(
        select(PartyIdentifier.kind, PartyIdentifier.value)
        .where(or_(*(and_(PartyIdentifier.kind == k, PartyIdentifier.value == v) for k, v in shown.items()),
                   false())))}
    free = [{"kind": k, "value": v, "person_id": person_id, "entity_id": entity_id, "created_at": now}
            for k, v in shown.items() if (k, v) not in taken]
    if free:
        insert_rows(session, PartyIdentifier.__table__, free)
