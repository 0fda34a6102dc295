"""Use cases of the identity context for other contexts and for reviewers.

Every reviewer action is audited and reversible: a confirmation or rejection can be reopened,
a merge undone. Nothing here deletes a decision; the party link keeps the latest one and the
audit trail keeps them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bailiff.core import audit
from bailiff.core.actor import Actor
from bailiff.core.clock import utcnow
from bailiff.core.db import one_of
from bailiff.core.errors import Conflict, FieldError, Forbidden, NotFound
from bailiff.identity import blocking, entities, rules
from bailiff.identity.models import (LegalEntity, PartyIdentifier, PartyLink, Person, PersonAddress, PersonMerge,
                                     ReviewTask)

REVIEWER_ROLES = frozenset({"bailiff_service", "admin"})


class IdentityNotConfirmed(Conflict):
    slug = "identity-not-confirmed"
    title = "The debtor's identity is not confirmed"


def require_reviewer(actor: Actor) -> None:
    if actor.role not in REVIEWER_ROLES:
        raise Forbidden("identity reviews are for the bailiff service",
                        errors=[FieldError("actor", "identity.review.role", "bailiff_service or admin")])


def party_link(*, session: Session, register_number: str, role: str = "debtor", position: int = 0) -> PartyLink:
    """The identification decision for one party of a writ."""
    link = session.scalar(select(PartyLink).where(PartyLink.register_number == register_number,
                                                  PartyLink.role == role, PartyLink.position == position))
    if link is None:
        raise NotFound(f"party {role}[{position}] of {register_number} is not identified yet")
    return link


class LinkOutcome(NamedTuple):
    """Who a party was identified as, and whether that is confirmed (a decision without its evidence)."""

    register_number: str
    person_id: int | None
    entity_id: int | None
    confirmed: bool


def party_links(*, session: Session, register_numbers: Sequence[str], role: str = "debtor",
                position: int = 0) -> dict[str, LinkOutcome]:
    """The identification outcomes for one party of each given writ (writs not yet identified are left out).

    Plain rows without the evidence: opening thousands of proceedings read it for nothing."""
    rows = session.connection().execute(select(
        PartyLink.register_number, PartyLink.person_id, PartyLink.entity_id, PartyLink.confirmed).where(
        one_of(session, PartyLink.register_number, register_numbers), PartyLink.role == role,
        PartyLink.position == position))
    return {row[0]: LinkOutcome(*row) for row in rows}


def require_confirmed(*, session: Session, register_number: str, position: int = 0) -> PartyLink:
    """Namesake protection: refuse coercive measures unless the debtor's identity is confirmed."""
    try:
        link = party_link(session=session, register_number=register_number, position=position)
    except NotFound as exc:
        raise IdentityNotConfirmed(str(exc), errors=[FieldError("debtor", "identity.unresolved",
                                                                "identification has not run yet")]) from exc
    if not link.confirmed:
        raise IdentityNotConfirmed(
            f"debtor {position} of {register_number} awaits identity review (possible namesake)",
            errors=[FieldError("debtor", "identity.unconfirmed", "a reviewer must confirm who the debtor is")])
    return link


def canonical_person(*, session: Session, person_id: int) -> int:
    """Follow merges to the surviving record."""
    seen = set()
    while True:
        merged_into = session.scalar(select(Person.merged_into).where(Person.id == person_id))
        if merged_into is None or person_id in seen:
            return person_id
        seen.add(person_id)
        person_id = merged_into


def _identifiers(session: Session, person_id: int) -> dict[str, str]:
    return dict(session.execute(select(PartyIdentifier.kind, PartyIdentifier.value)
                                .where(PartyIdentifier.person_id == person_id)).all())


def _group_identifiers(session: Session, person_id: int) -> dict[str, str]:
    """Identifiers of a record and of every record merged into it (a later merge must agree with all)."""
    session.flush()  # read through the connection below
    return blocking.group_identifiers(session, [person_id]).get(person_id, {})


def open_reviews(*, session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """Open review tasks, oldest first, with the party and the candidates side by side."""
    tasks = session.scalars(select(ReviewTask).where(ReviewTask.status == "open")
                            .order_by(ReviewTask.id).limit(limit)).all()
    return [review(session=session, task_id=t.id) for t in tasks]


def review(*, session: Session, task_id: int) -> dict[str, Any]:
    """One review task with everything a reviewer needs to decide."""
    task = session.get(ReviewTask, task_id)
    if task is None:
        raise NotFound(f"no review task {task_id}")
    link = session.get(PartyLink, task.link_id) if task.link_id else None
    if link is not None and link.party_kind == "organization":
        shown = entities.candidates(session, task.candidates)
    else:
        ids = [c["id"] for c in task.candidates if isinstance(c.get("id"), int) and c["id"] > 0]
        persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
        shown = [{**c, "person": _person_json(persons[c["id"]], _identifiers(session, c["id"]))}
                 for c in task.candidates if c.get("id") in persons]
    return {
        "id": task.id, "kind": task.kind, "status": task.status, "opened_at": task.opened_at.isoformat(),
        "party": None if link is None else {
            "register_number": link.register_number, "role": link.role, "position": link.position,
            "kind": link.party_kind, "outcome": link.outcome, "probability": link.probability,
            "person_id": link.person_id, "entity_id": link.entity_id, "confirmed": link.confirmed,
            "evidence": link.evidence},
        "candidates": shown,
        "resolution": task.resolution,
    }


def _person_json(p: Person, identifiers: dict[str, str]) -> dict[str, Any]:
    return {"id": p.id, "surname": p.surname, "given_name": p.given_name, "patronymic": p.patronymic,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None, "birth_place": p.birth_place,
            "address": p.address, "identifiers": identifiers, "merged_into": p.merged_into}


def _open_task(session: Session, task_id: int) -> tuple[ReviewTask, PartyLink]:
    task = session.get(ReviewTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no review task {task_id}")
    if task.link_id is None:
        raise Conflict(f"review task {task_id} is about duplicate records: merge them or declare them distinct",
                       errors=[FieldError("task", "identity.review.kind", "a duplicate-records task")])
    if task.status != "open":
        raise Conflict(f"review task {task_id} is already {task.status}",
                       errors=[FieldError("task", "identity.review.closed", "reopen it first")])
    link = session.get(PartyLink, task.link_id, with_for_update=True)
    assert link is not None
    return task, link


def confirm(*, session: Session, task_id: int, person_id: int | None = None, reason: str, actor: Actor,
            entity_id: int | None = None) -> dict[str, Any]:
    """The party is this existing person (or, for an organisation party, this organisation record):
    link it and lift the namesake block."""
    require_reviewer(actor)
    task, link = _open_task(session, task_id)
    if link.party_kind == "organization":
        entity_id = entities.confirmable(session, link, entity_id)
        return _close(session, task, link, actor, reason, status="confirmed", entity_id=entity_id)
    if person_id is None:
        raise Conflict("the party is a person: confirm it as a person record",
                       errors=[FieldError("person_id", "identity.review.party_kind",
                                          "a person party is confirmed with person_id, not entity_id")])
    person_id = canonical_person(session=session, person_id=person_id)
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}")
    party_ids = {k: v for k, v in (link.evidence.get("identifiers") or {}).items()}
    clash = rules.conflicting_kinds(party_ids, _group_identifiers(session, person_id))
    if clash:
        raise Conflict(f"the party and person {person_id} hold different {', '.join(clash)}: not the same person",
                       errors=[FieldError("person_id", "identity.identifier_conflict", ", ".join(clash))])
    return _close(session, task, link, actor, reason, status="confirmed", person_id=person_id)


def reject(*, session: Session, task_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """The party is none of the candidates: it becomes a person (or organisation) of its own, confirmed."""
    require_reviewer(actor)
    task, link = _open_task(session, task_id)
    if link.party_kind == "organization":
        entity_id = entities.new_entity_for_link(session=session, link=link)
        return _close(session, task, link, actor, reason, status="rejected", entity_id=entity_id, created=True)
    person_id = entities.new_person_for_link(session=session, link=link)
    return _close(session, task, link, actor, reason, status="rejected", person_id=person_id, created=True)


def _close(session: Session, task: ReviewTask, link: PartyLink, actor: Actor, reason: str, *, status: str,
           person_id: int | None = None, entity_id: int | None = None, created: bool = False) -> dict[str, Any]:
    if entity_id is not None:
        close_entity_review(session, task, link, actor, reason, status=status, entity_id=entity_id, created=created)
    else:
        assert person_id is not None
        close_review(session, task, link, actor, reason, status=status, person_id=person_id, created=created)
    return review(session=session, task_id=task.id)


def close_entity_review(session: Session, task: ReviewTask, link: PartyLink, actor: Actor, reason: str, *,
                        status: str, entity_id: int, created: bool = False) -> None:
    """Decide an organisation party's review: the link points at the organisation record, confirmed."""
    now = utcnow()
    before = {"entity_id": link.entity_id, "confirmed": link.confirmed, "outcome": link.outcome}
    link.entity_id, link.confirmed, link.decided_at, link.decided_by = entity_id, True, now, actor.label
    task.status, task.resolved_at, task.resolved_by = status, now, actor.label
    task.resolution = {"entity_id": entity_id, "reason": reason, "before": before, "created": created}
    audit.record(session, [audit.audit_row(actor=actor, action=f"identity.review.{status}", subject_type="party",
                                           subject_id=f"{link.register_number}/{link.role}/{link.position}",
                                           reason=reason, details={"task": task.id, **task.resolution})])


def close_review(session: Session, task: ReviewTask, link: PartyLink, actor: Actor, reason: str, *, status: str,
                 person_id: int, party: dict[str, Any] | None = None, created: bool = False) -> None:
    """Decide a party's review: the link points at the person, confirmed, who is now known at the
    party's address (`party`: the party as its writ shows it, if the caller has read the writ); the
    task is closed; audited."""
    from bailiff.identity.resolve import remember_party_address

    now = utcnow()
    before = {"person_id": link.person_id, "confirmed": link.confirmed, "outcome": link.outcome}
    link.person_id, link.confirmed, link.decided_at, link.decided_by = person_id, True, now, actor.label
    task.status, task.resolved_at, task.resolved_by = status, now, actor.label
    task.resolution = {"person_id": person_id, "reason": reason, "before": before, "created": created,
                       "address_learnt": remember_party_address(session=session, link=link, person_id=person_id,
                                                                 party=party)}
    audit.record(session, [audit.audit_row(actor=actor, action=f"identity.review.{status}", subject_type="party",
                                           subject_id=f"{link.register_number}/{link.role}/{link.position}",
                                           reason=reason, details={"task": task.id, **task.resolution})])


def reopen(*, session: Session, task_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """Undo a review decision: the party is unconfirmed again and the task open."""
    require_reviewer(actor)
    task = session.get(ReviewTask, task_id, with_for_update=True)
    if task is None or task.status == "open":
        raise Conflict(f"review task {task_id} is not closed", errors=[FieldError("task", "identity.review.open", "")])
    if task.link_id is None:
        from bailiff.identity.duplicates import reopen_cluster

        return reopen_cluster(session=session, task=task, reason=reason, actor=actor)
    link = session.get(PartyLink, task.link_id, with_for_update=True)
    assert link is not None and task.resolution is not None
    before = task.resolution.get("before", {})
    unsettled: list[int] = []
    if task.resolution.get("address_learnt"):
        from bailiff.identity.resolve import forget_party_address, unsettle_address_links

        forget_party_address(session=session, link=link, person_id=task.resolution["person_id"],
                             address_key=task.resolution["address_learnt"])
        unsettled = unsettle_address_links(session=session, person_id=task.resolution["person_id"],
                                           address_key=task.resolution["address_learnt"],
                                           since=task.resolved_at or utcnow(), excluded=link.id)
    if link.party_kind == "organization":
        link.entity_id = before.get("entity_id")
    else:
        link.person_id = before.get("person_id")
    link.confirmed = False
    # A record the rejection created for this party alone goes with the rejection: left behind,
    # it would keep the party's identifiers and take every later writ that shows them.
    retired = _retire_created(session, task.resolution, link) if task.resolution.get("created") else None
    previous = task.status
    task.status, task.resolved_at, task.resolved_by = "open", None, None
    audit.record(session, [audit.audit_row(actor=actor, action="identity.review.reopened", subject_type="party",
                                           subject_id=f"{link.register_number}/{link.role}/{link.position}",
                                           reason=reason, details={"task": task.id, "was": previous,
                                                                   "resolution": task.resolution,
                                                                   "created_record": retired,
                                                                   "links_sent_to_review": unsettled})])
    if unsettled:
        audit.record(session, [audit.audit_row(
            actor=actor, action="identity.link.unsettled", subject_type="party_link", subject_id=str(link_id),
            reason=f"the address that corroborated it was taught by review {task.id}, reopened: {reason}",
            details={"task": task.id, "person_id": task.resolution["person_id"]}) for link_id in unsettled])
    return review(session=session, task_id=task.id)


def _retire_created(session: Session, resolution: dict[str, Any], link: PartyLink) -> dict[str, Any]:
    """Delete the record a rejection created, with its identifiers, unless something else uses it by now
    (another party's link, a merge): then it stays, and the audit says why."""
    table, record_id = ("entity", resolution.get("entity_id")) if "entity_id" in resolution \
        else ("person", resolution.get("person_id"))
    column = PartyLink.entity_id if table == "entity" else PartyLink.person_id
    session.flush()  # the link no longer points at the record
    others = session.scalar(select(func.count()).select_from(PartyLink).where(column == record_id,
                                                                             PartyLink.id != link.id)) or 0
    model = LegalEntity if table == "entity" else Person
    merges = 0
    if table == "person":
        merges = session.scalar(select(func.count()).select_from(PersonMerge).where(
            (PersonMerge.survivor_id == record_id) | (PersonMerge.merged_id == record_id))) or 0
    merges += session.scalar(select(func.count()).select_from(model).where(model.merged_into == record_id)) or 0
    if others or merges:
        return {table: record_id, "kept": f"{others} other link(s), {merges} merge(s) use it"}
    owner = PartyIdentifier.entity_id if table == "entity" else PartyIdentifier.person_id
    session.execute(delete(PartyIdentifier).where(owner == record_id))
    if table == "person":
        session.execute(delete(PersonAddress).where(PersonAddress.person_id == record_id))
    session.execute(delete(model).where(model.id == record_id))
    return {table: record_id, "deleted": True}


def merge(*, session: Session, survivor_id: int, merged_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """Declare two person records one person; refused when their lifelong identifiers differ."""
    require_reviewer(actor)
    survivor_id, merged_id = _lock_survivors(session, survivor_id, merged_id)
    clash = rules.conflicting_kinds(_group_identifiers(session, merged_id), _group_identifiers(session, survivor_id))
    if clash:
        raise Conflict(f"different {', '.join(clash)}: two different people are never merged",
                       errors=[FieldError("merged_id", "identity.identifier_conflict", ", ".join(clash))])
    now = utcnow()
    session.execute(update(Person).where(Person.id == merged_id).values(merged_into=survivor_id))
    merge_row = PersonMerge(survivor_id=survivor_id, merged_id=merged_id, merged_at=now, merged_by=actor.label,
                            reason=reason)
    session.add(merge_row)
    session.flush()
    audit.record(session, [audit.audit_row(actor=actor, action="identity.merged", subject_type="person",
                                           subject_id=str(merged_id), reason=reason,
                                           details={"survivor": survivor_id, "merge": merge_row.id})])
    return {"merge_id": merge_row.id, "survivor_id": survivor_id, "merged_id": merged_id}


def _lock_survivors(session: Session, first: int, second: int) -> tuple[int, int]:
    """The surviving records of two person ids, locked, and still survivors once locked.

    The survivors are read before the locks are taken, so a merge committed in between (say of
    the one into the other, by another reviewer) can make a locked record merged: then read
    again. Without this, two reviewers merging A into B and B into A at once left a cycle of
    merges that every later walk to a survivor followed for ever.
    """
    while True:
        a, b = (canonical_person(session=session, person_id=pid) for pid in (first, second))
        if a == b:
            raise Conflict("these records are already one person",
                           errors=[FieldError("merged_id", "identity.merge.same", "")])
        rows = {row.id: row.merged_into for row in session.execute(
            select(Person.id, Person.merged_into).where(Person.id.in_((a, b))).order_by(Person.id)
            .with_for_update())}
        for pid in (a, b):
            if pid not in rows:
                raise NotFound(f"no person {pid}")
        if rows[a] is None and rows[b] is None:
            return a, b
        # One of them was merged meanwhile: the locks stay, the survivors are read again.


def unmerge(*, session: Session, merge_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """Undo a merge: both records stand on their own again."""
    require_reviewer(actor)
    row = session.get(PersonMerge, merge_id, with_for_update=True)
    if row is None or row.undone_at is not None:
        raise Conflict(f"merge {merge_id} does not exist or was undone", errors=[FieldError("merge_id", "identity.unmerge", "")])
    session.execute(update(Person).where(Person.id == row.merged_id).values(merged_into=None))
    row.undone_at, row.undone_by = utcnow(), actor.label
    audit.record(session, [audit.audit_row(actor=actor, action="identity.unmerged", subject_type="person",
                                           subject_id=str(row.merged_id), reason=reason,
                                           details={"survivor": row.survivor_id, "merge": merge_id})])
    return {"merge_id": merge_id, "survivor_id": row.survivor_id, "merged_id": row.merged_id, "undone": True}


def person(*, session: Session, person_id: int) -> dict[str, Any]:
    """A person record with identifiers and the writs it is party to."""
    p = session.get(Person, person_id)
    if p is None:
        raise NotFound(f"no person {person_id}")
    merged = [m for (m,) in session.execute(select(Person.id).where(Person.merged_into == person_id))]
    links = session.execute(select(PartyLink.register_number, PartyLink.role, PartyLink.confirmed)
                            .where(PartyLink.person_id.in_([person_id, *merged]))).all()
    return {**_person_json(p, _identifiers(session, person_id)), "merged_records": merged,
            "writs": [{"register_number": rn, "role": role, "confirmed": c} for rn, role, c in links]}


def counts(*, session: Session) -> dict[str, int]:
    """Open reviews and persons, for pages and the demo summary."""
    return {"open_reviews": session.scalar(select(func.count()).select_from(ReviewTask)
                                           .where(ReviewTask.status == "open")) or 0,
            "persons": session.scalar(select(func.count()).select_from(Person)) or 0}
