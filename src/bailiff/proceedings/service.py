"""Proceedings use cases: open a proceeding on each presented writ and have a bailiff drawn for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bailiff.assignment import consolidation
from bailiff.assignment import service as assignment
from bailiff.assignment.beacons import BeaconStore
from bailiff.assignment.models import Assignment, Office
from bailiff.core import audit, outbox, sequences, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import local_date, to_millis, utcnow
from bailiff.core.crypto import canonical_json
from bailiff.core.bulk import insert_rows, update_rows
from bailiff.core.db import one_of
from bailiff.core.errors import Forbidden, NotFound
from bailiff.identity import service as identity
from bailiff.jurisdictions import Profile
from bailiff.proceedings.measures import FeeRule
from bailiff.proceedings.models import Proceeding
from bailiff.proceedings.rules import (OpeningRules, consolidation_suffix, office_for_address, presentation_refusal,
                                       priority)
from bailiff.register import service as register
from bailiff.register import transitions

# The bailiff service acting on its own: it opens proceedings and moves writs into execution.
OPENER = Actor(kind="system", ident="proceedings", role="bailiff_service")


@dataclass(frozen=True)
class Presentation:
    """A writ presented to the service (from the register's `writ.status_changed` event)."""

    register_number: str
    presented_at: datetime
    department: str | None = None


@dataclass(frozen=True)
class Opening:
    """What could not be opened and why; and the writs whose debtor is not identified yet (retry)."""

    not_opened: dict[str, str]
    waiting_for_identity: list[str]


def open_presented(*, session: Session, presentations: Sequence[Presentation], profile: Profile,
                   store: BeaconStore, actor: Actor = OPENER) -> Opening:
    """Open a proceeding on each presented writ not opened yet, and commit its draw; idempotent."""
    if "number_format" not in profile.raw.get("proceedings", {}):
        # A profile with only what is known (uz, kg): the writ stays presented, nothing is opened.
        return Opening({p.register_number: f"the {profile.code} profile has no confirmed rules of proceedings yet"
                        for p in presentations}, [])
    rules = OpeningRules.from_profile(profile.raw)
    fees = FeeRule.from_profile(profile.raw)
    wanted = {p.register_number: p for p in presentations}
    # A writ with a running proceeding is not opened again (a redelivered event, say); one whose
    # earlier proceeding ended by return may be (art. 46 part 4), and the writ's status says which.
    opened = set(session.scalars(select(Proceeding.register_number)
                                 .where(one_of(session, Proceeding.register_number, wanted),
                                        Proceeding.status.in_(("open", "suspended")))))
    todo = [p for n, p in wanted.items() if n not in opened]
    if not todo:
        return Opening({}, [])
    # The log lock first: statuses read under it cannot change (a recall waits) before the writs move.
    translog.lock(session)
    documents = register.documents(session=session, register_numbers=[p.register_number for p in todo])
    offices = assignment.office_localities(session=session, mode=profile.raw["assignment"]["mode"])
    zones = assignment.office_zones(session=session, office_ids=list(offices))
    now = utcnow()
    not_opened: dict[str, str] = {}
    waiting: list[str] = []
    rows: list[dict[str, Any]] = []
    statuses = register.statuses(session=session, register_numbers=[p.register_number for p in todo])
    links = identity.party_links(session=session, register_numbers=[p.register_number for p in todo])
    restarted = dict(session.execute(select(Proceeding.register_number, func.max(Proceeding.ended_at)).where(
        one_of(session, Proceeding.register_number, [p.register_number for p in todo]),
        Proceeding.status == "returned").group_by(Proceeding.register_number)).all())
    late: dict[str, str] = {}
    for p in todo:
        if statuses.get(p.register_number) != "presented":  # recalled or returned meanwhile
            not_opened[p.register_number] = f"the writ is {statuses.get(p.register_number)}, no longer presented"
            continue
        returned_at = restarted.get(p.register_number)
        too_late = presentation_refusal(
            document=documents[p.register_number], presented_on=local_date(p.presented_at, profile.timezone),
            raw=profile.raw, restarted_on=local_date(returned_at, profile.timezone) if returned_at else None)
        if too_late:  # refused: the writ goes back to the claimant, who may present it again
            late[p.register_number] = not_opened[p.register_number] = too_late
            continue
        if p.register_number not in links:
            # Identification has not run yet: opening waits (the worker retries), so that the debtor
            # links, namesake protection and consolidation all stand on the identity decision.
            waiting.append(p.register_number)
            continue
        document = documents[p.register_number]
        debtor = document["debtors"][0]
        office_id = p.department if p.department in offices else office_for_address(
            debtor.get("address"), sorted(offices.items()))
        if office_id is None:
            not_opened[p.register_number] = "no office serves the debtor's address (the debtor's place: RU 229-FZ art. 33)"
            continue
        rows.append(_row(p, document, links.get(p.register_number), office_id, rules, fees, now, profile.raw,
                         zones.get(office_id) or profile.timezone))
    if rows:
        _number(session, rows, rules, now)
        # Art. 34 (RU); a profile without [proceedings.consolidation] joins nothing. The group is
        # decided before the opening leaves, which name it: a member's join is checked against them.
        suffix = consolidation_suffix(profile.raw)
        regrouped = _consolidate(session, rows, suffix) if suffix else []
        size = translog.lock(session)
        translog.append(session, [canonical_json({
            "v": 1, "event": "proceeding.opened", "proceeding": r["number"], "register_number": r["register_number"],
            "office": r["office_id"], "at": to_millis(now),
            **({"consolidation": r["consolidation"], "lead": r["consolidation"].removesuffix(suffix or "")}
               if r["consolidation"] else {})}) for r in rows] + [canonical_json({
                   "v": 1, "event": "proceeding.consolidated", "proceeding": p.number, "office": p.office_id,
                   "consolidation": p.consolidation, "lead": (p.consolidation or "").removesuffix(suffix or ""),
                   "rule": "229-FZ art. 34 part 1", "at": to_millis(now)}) for p in regrouped], tree_size=size)
        for offset, r in enumerate(rows):
            r["leaf_index"] = size + offset
            r["consolidation_leaf"] = r["leaf_index"] if r["consolidation"] else None
        for offset, p in enumerate(regrouped):
            set_committed_value(p, "consolidation_leaf", size + len(rows) + offset)
        update_rows(session, Proceeding.__table__, "number", [
            {"number": p.number, "consolidation": p.consolidation, "consolidation_leaf": p.consolidation_leaf}
            for p in regrouped])
        insert_rows(session, Proceeding.__table__, rows)
        for office_id in sorted({r["office_id"] for r in rows}):
            moved = transitions.transition_many(
                session=session, register_numbers=[r["register_number"] for r in rows if r["office_id"] == office_id],
                action="start_execution", reason="enforcement proceeding opened (229-FZ art. 30)", actor=actor,
                department=office_id)
            refusals = [f"{n}: {o}" for n, o in moved.items() if isinstance(o, Exception)]
            if refusals:  # statuses were read under the log lock in this transaction: cannot happen
                raise RuntimeError("writs refused execution: " + "; ".join(refusals))
        audit.record(session, [audit.audit_row(actor=actor, action="proceeding.opened", subject_type="proceeding",
                                               subject_id=r["number"], log_leaf_index=r["leaf_index"], at=now,
                                               details={"register_number": r["register_number"],
                                                        "office": r["office_id"]}) for r in rows])
        outbox.emit(session, [outbox.event_row(topic="proceeding.opened", key=f"proceeding.opened:{r['number']}",
                                               at=now, payload={"proceeding": r["number"], "office": r["office_id"],
                                                                "register_number": r["register_number"]})
                              for r in rows])
        # A member of a consolidated proceeding is not drawn: it takes its lead's bailiff (art. 34).
        refused = assignment.commit(session=session, store=store, actor=actor, zone=profile.timezone,
                                    requests=[
            assignment.Request(r["number"], r["office_id"]) for r in rows
            if r["consolidation"] is None or r["consolidation"] == f"{r['number']}{suffix}"])
        for number, why in refused.items():
            not_opened[number] = f"opened, but no bailiff can be drawn: {why}"
        for r in rows:  # members wait for their lead (`bailiff office draw-waiting` once someone is eligible)
            if r["consolidation"] and r["consolidation"].removesuffix(suffix or "") in refused:
                not_opened[r["number"]] = f"opened; waits for the draw of its lead {r['consolidation']}"
        if suffix:
            join_groups(session=session, groups={r["consolidation"] for r in rows if r["consolidation"]},
                        suffix=suffix, actor=actor)
    for number, outcome in transitions.transition_many(session=session, register_numbers=list(late), action="return",
                                                    reason="refused: presented after the period", actor=actor).items():
        if isinstance(outcome, Exception):  # statuses were read under the log lock: cannot happen
            raise RuntimeError(f"{number} could not be returned: {outcome}")
    if not_opened:
        audit.record(session, [audit.audit_row(actor=actor, action="proceeding.not_opened", subject_type="writ",
                                               subject_id=key, reason=why, at=now) for key, why in not_opened.items()])
    return Opening(not_opened, waiting)


def _row(p: Presentation, document: dict[str, Any], link: Any, office_id: str, rules: OpeningRules,
         fees: FeeRule, now: datetime, rules_raw: dict[str, Any], zone: str) -> dict[str, Any]:
    person_id, entity_id, confirmed = link.person_id, link.entity_id, link.confirmed
    claim = document.get("claim", {})
    debtor_kind = "organization" if document["debtors"][0].get("kind") == "organization" else "person"
    amount = Decimal(claim["amount"]) if claim.get("kind", "money") == "money" and claim.get("amount") else None
    fee = fees.fee(amount=amount, category=claim.get("category"), debtor_kind=debtor_kind,
                   claim_kind=claim.get("kind", "money"))
    return {"register_number": p.register_number, "office_id": office_id, "status": "open",
            "debtor_person_id": person_id, "debtor_entity_id": entity_id, "debtor_confirmed": confirmed,
            "amount": claim.get("amount"), "currency": claim.get("currency"), "presented_at": p.presented_at,
            "opened_at": now, "opening_deadline": rules.opening_deadline(local_date(p.presented_at, zone)), "note": None,
            "category": claim.get("category"), "debtor_kind": debtor_kind,
            "fee": None if fee is None else str(fee),
            "fee_rule": (f"{fees.source}, in force {fees.effective}; charged {fees.charged}"
                         + ("" if fees.checked else "; not yet checked against the official text"))
            if fee is not None else None,
            "order_received_on": None, "voluntary_deadline": None, "ended_at": None, "ground": None,
            "priority": priority(claim.get("category"), rules_raw), "consolidation": None, "consolidation_leaf": None}


def _debtor_key(person: int | None, entity: int | None, office: str) -> tuple[str, int, str]:
    return ("person", person, office) if person else ("entity", entity or 0, office)


def _consolidate(session: Session, rows: list[dict[str, Any]], suffix: str) -> list[Proceeding]:
    """Join proceedings against one confirmed debtor in one office into one consolidated proceeding
    (229-FZ art. 34): the group is named after its first proceeding. Unconfirmed debtors stay alone.
    Returns the earlier proceedings whose group this changed (each gets its own log leaf)."""
    # Art. 34 part 1 joins claims of property character: sums of money, not non-monetary obligations.
    keyed = [r for r in rows if r["debtor_confirmed"] and (r["debtor_person_id"] or r["debtor_entity_id"])
             and r["amount"] is not None]
    if not keyed:
        return []
    groups: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    existing = session.execute(select(Proceeding).where(
        Proceeding.status.in_(("open", "suspended")), Proceeding.debtor_confirmed.is_(True),
        Proceeding.amount.is_not(None),
        or_(one_of(session, Proceeding.debtor_person_id, {r["debtor_person_id"] for r in keyed if r["debtor_person_id"]}),
            one_of(session, Proceeding.debtor_entity_id, {r["debtor_entity_id"] for r in keyed if r["debtor_entity_id"]}))
    ).order_by(Proceeding.opened_at, Proceeding.number)).scalars().all()
    earlier: dict[tuple[str, int, str], list[Proceeding]] = {}
    for p in existing:
        earlier.setdefault(_debtor_key(p.debtor_person_id, p.debtor_entity_id, p.office_id), []).append(p)
    for r in keyed:
        groups.setdefault(_debtor_key(r["debtor_person_id"], r["debtor_entity_id"], r["office_id"]), []).append(r)
    regrouped: list[Proceeding] = []
    for k, new in groups.items():
        old = earlier.get(k, [])
        if len(old) + len(new) < 2:
            continue
        name = next((p.consolidation for p in old if p.consolidation), None) or \
            (old[0].number if old else new[0]["number"]) + suffix
        for p in old:
            if p.consolidation != name:  # written with its leaf, in one statement (open_presented)
                set_committed_value(p, "consolidation", name)
                regrouped.append(p)
        for r in new:
            r["consolidation"] = name
    return regrouped


def join_groups(*, session: Session, groups: set[str], suffix: str, actor: Actor) -> list[str]:
    """Give every running member of these consolidated proceedings its lead's bailiff (229-FZ art. 34
    part 1: one bailiff conducts a consolidated proceeding); members whose lead is not drawn yet wait."""
    if not groups:
        return []
    members = session.execute(select(Proceeding.number, Proceeding.consolidation, Proceeding.office_id,
                                     Proceeding.consolidation_leaf).where(
        one_of(session, Proceeding.consolidation, groups), Proceeding.status.in_(("open", "suspended")))
        .order_by(Proceeding.number)).all()
    return consolidation.join(session=session, actor=actor, members=[
        consolidation.Member(number, group.removesuffix(suffix), office_id, leaf)
        for number, group, office_id, leaf in members
        if group.endswith(suffix) and number != group.removesuffix(suffix) and leaf is not None])


def draw_waiting(*, session: Session, office_id: str, store: BeaconStore, actor: Actor,
                 suffix: str | None, zone: str | None = None) -> dict[str, Any]:
    """Commit draws for the office's running proceedings that have no bailiff yet: those whose draw
    was refused when no one was eligible (run after adding bailiffs or when absences end). Members of a
    consolidated proceeding are not drawn: they join their lead once it is drawn."""
    if session.get(Office, office_id) is None:
        raise NotFound(f"no office {office_id}")
    assigned = select(Assignment.proceeding_number)
    waiting = list(session.scalars(select(Proceeding.number).where(
        Proceeding.office_id == office_id, Proceeding.status.in_(("open", "suspended")),
        Proceeding.number.not_in(assigned), or_(Proceeding.consolidation.is_(None),
                                               Proceeding.consolidation == Proceeding.number + (suffix or "")))
        .order_by(Proceeding.number)))
    refused = assignment.commit(session=session, store=store, actor=actor, requests=[
        assignment.Request(n, office_id, reason="drawn after waiting for an eligible bailiff") for n in waiting],
        zone=zone)
    return {"office": office_id, "committed": [n for n in waiting if n not in refused], "refused": refused}


def succeed(*, session: Session, number: str, suffix: str | None, actor: Actor) -> str | None:
    """A lead that ended hands its consolidated proceeding to the earliest running member, which keeps
    the group's bailiff (it is joined to the old lead) and is the one a change of bailiff redraws
    (229-FZ art. 34). Each member's regrouping is a log leaf. Returns the successor, if any."""
    if not suffix:
        return None
    members = list(session.scalars(select(Proceeding).where(
        Proceeding.consolidation == number + suffix, Proceeding.number != number,
        Proceeding.status.in_(("open", "suspended"))).order_by(Proceeding.opened_at, Proceeding.number)))
    if not members:
        return None
    successor, now = members[0].number, utcnow()
    size = translog.lock(session)
    translog.append(session, [canonical_json({
        "v": 1, "event": "proceeding.consolidated", "proceeding": p.number, "office": p.office_id,
        "consolidation": successor + suffix, "lead": successor, "previous_lead": number,
        "rule": "229-FZ art. 34 part 1", "at": to_millis(now)}) for p in members], tree_size=size)
    for offset, p in enumerate(members):
        p.consolidation, p.consolidation_leaf = successor + suffix, size + offset
    audit.record(session, [audit.audit_row(actor=actor, action="proceeding.consolidated", subject_type="proceeding",
                                           subject_id=p.number, log_leaf_index=p.consolidation_leaf, at=now,
                                           reason=f"{number} ended; {successor} leads the consolidated proceeding",
                                           details={"lead": successor}) for p in members])
    return successor


def group_lead(*, session: Session, number: str, suffix: str | None) -> str:
    """The proceeding whose bailiff decides a consolidated proceeding's: its lead; the number itself
    when it stands alone."""
    group = session.scalar(select(Proceeding.consolidation).where(Proceeding.number == number))
    return group.removesuffix(suffix) if group and suffix and group.endswith(suffix) else number


def groups_of(*, session: Session, numbers: set[str]) -> set[str]:
    """The consolidated proceedings these proceedings belong to."""
    if not numbers:
        return set()
    return {c for c in session.scalars(select(Proceeding.consolidation).where(
        one_of(session, Proceeding.number, numbers), Proceeding.consolidation.is_not(None)))}


def _number(session: Session, rows: list[dict[str, Any]], rules: OpeningRules, now: datetime) -> None:
    """National numbers from a counter per office and year."""
    for office_id in sorted({r["office_id"] for r in rows}):
        mine = [r for r in rows if r["office_id"] == office_id]
        first = sequences.allocate(session, f"proceeding:{office_id}:{now.year}", len(mine))
        for offset, r in enumerate(mine):
            r["seq"] = first + offset
            r["number"] = rules.number(seq=first + offset, year=now.year, office_id=office_id)


def get(*, session: Session, number: str, for_update: bool = False) -> Proceeding:
    """A proceeding by its national number; `for_update` locks it for this transaction (PostgreSQL),
    so concurrent changes wait and then re-check its status."""
    proceeding = (session.get(Proceeding, number, with_for_update=True, populate_existing=True) if for_update
                  else session.get(Proceeding, number))
    if proceeding is None:
        raise NotFound(f"no proceeding {number}")
    return proceeding


def running_on(*, session: Session, register_number: str) -> str | None:
    """The number of the proceeding running (open or suspended) on a writ, or on the writs it is a
    duplicate of (a proceeding carries on on the duplicate, enforcement.follow_duplicate), or None."""
    numbers = [register_number]
    original = register.get_writ(session=session, register_number=register_number).original_register_number
    while original is not None and original not in numbers:
        numbers.append(original)
        original = register.get_writ(session=session, register_number=original).original_register_number
    return session.scalar(select(Proceeding.number).where(one_of(session, Proceeding.register_number, numbers),
                                                          Proceeding.status.in_(("open", "suspended"))).limit(1))


def view(*, session: Session, number: str, actor: Actor) -> dict[str, Any]:
    """A proceeding as the bailiff service sees it (parties' own views come with the portal)."""
    if actor.role not in ("bailiff_service", "admin"):
        raise Forbidden("only the bailiff service reads proceedings through this route")
    p = get(session=session, number=number)
    return {"number": p.number, "register_number": p.register_number, "office_id": p.office_id, "status": p.status,
            "debtor_confirmed": p.debtor_confirmed, "amount": p.amount, "currency": p.currency,
            "presented_at": p.presented_at.isoformat(), "opened_at": p.opened_at.isoformat(),
            "opening_deadline": p.opening_deadline.isoformat(), "leaf_index": p.leaf_index,
            "category": p.category, "debtor_kind": p.debtor_kind, "fee": p.fee, "fee_rule": p.fee_rule,
            "order_received_on": p.order_received_on.isoformat() if p.order_received_on else None,
            "voluntary_deadline": p.voluntary_deadline.isoformat() if p.voluntary_deadline else None,
            "ended_at": p.ended_at.isoformat() if p.ended_at else None, "ground": p.ground,
            "priority": p.priority, "consolidation": p.consolidation,
            "bailiff_id": assignment.current_bailiff(session=session, proceeding_number=p.number)}


def workbench(*, session: Session, bailiff_id: str, today: Any) -> list[dict[str, Any]]:
    """A bailiff's proceedings with their deadlines and the next thing the law lets them do."""
    numbers = assignment.cases_of(session=session, bailiff_id=bailiff_id)
    rows = list(session.scalars(select(Proceeding).where(one_of(session, Proceeding.number, numbers))
                                .order_by(Proceeding.opening_deadline, Proceeding.number))) if numbers else []
    links = identity.party_links(session=session, register_numbers=[p.register_number for p in rows])
    out = []
    for p in rows:
        confirmed = bool(links.get(p.register_number) and links[p.register_number].confirmed)
        if p.status != "open":
            todo = "none"
        elif not confirmed:
            todo = "await_identity"  # namesake protection: no coercive measures yet
        elif p.voluntary_deadline is None:
            todo = "deliver_order"
        elif today <= p.voluntary_deadline:
            todo = "voluntary_period"
        else:
            todo = "enforce"
        out.append({"number": p.number, "register_number": p.register_number, "status": p.status,
                    "opening_deadline": p.opening_deadline, "voluntary_deadline": p.voluntary_deadline,
                    "amount": p.amount, "currency": p.currency, "fee": p.fee, "confirmed": confirmed,
                    "consolidation": p.consolidation, "todo": todo})
    return out
