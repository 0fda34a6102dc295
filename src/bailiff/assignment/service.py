"""Assignment use cases: offices and bailiffs, unavailability, commit-then-draw, and the public record.

Lock order: every use case that appends to the log takes the log lock first (`translog.lock`), so
commits, reveals and draws are serialised in log order. A round is revealed only by
`draws.draw_pending`, after the transaction that committed to it: the log then shows every
commitment before its round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from bailiff.assignment import rules
if TYPE_CHECKING:
    from bailiff.assignment.beacons import BeaconStore
from bailiff.assignment.models import Assignment, Bailiff, BeaconChain, BeaconRound, Office, Unavailability
from bailiff.core import audit, outbox, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import known_zone, local_today, to_millis, utcnow
from bailiff.core.crypto import canonical_json
from bailiff.core.bulk import insert_rows
from bailiff.core.db import one_of
from bailiff.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed

MANAGERS = frozenset({"admin", "bailiff_service"})


def _require_manager(actor: Actor) -> None:
    if actor.role not in MANAGERS:
        raise Forbidden(f"only the bailiff service manages offices and bailiffs, not a {actor.role}")


def add_office(*, session: Session, office_id: str, name: str, region: str, regions: Collection[str], kind: str,
               localities: Sequence[str] = (), actor: Actor, timezone: str | None = None) -> Office:
    """Register a department (state mode) or a regional chamber (private mode) of one of the
    jurisdiction's `regions` (its profile's codes), with the time zone its days are counted in when it
    differs from the profile's."""
    _require_manager(actor)
    errors = []
    if not office_id.strip():
        errors.append(FieldError("id", "office.id.required", "non-empty, e.g. 77001"))
    if not name.strip():
        errors.append(FieldError("name", "office.name.required", "the office's official name"))
    if region not in regions:
        errors.append(FieldError("region", "office.region.known", (
            f"one of the jurisdiction's region codes ({', '.join(sorted(regions)[:5])}, ...)" if regions
            else "this jurisdiction's profile lists no regions yet ([regions] codes)")))
    if errors:
        raise ValidationFailed("the office cannot be registered", errors=errors)
    if kind not in ("department", "chamber"):
        raise ValidationFailed("unknown office kind", errors=[FieldError("kind", "office.kind", "department or chamber")])
    if timezone is not None and not known_zone(timezone):
        raise ValidationFailed("unknown time zone", errors=[FieldError("timezone", "office.timezone",
                                                                       "an IANA time zone, e.g. Asia/Vladivostok")])
    if session.get(Office, office_id) is not None:
        raise Conflict(f"office {office_id} exists")
    office = Office(id=office_id, name=name, region=region, kind=kind, localities=[w.lower() for w in localities],
                    timezone=timezone, created_at=utcnow())
    session.add(office)
    audit.record(session, [audit.audit_row(actor=actor, action="office.added", subject_type="office",
                                           subject_id=office_id, details={"region": region, "kind": kind})])
    return office


def add_bailiff(*, session: Session, bailiff_id: str, name: str, office_id: str, capacity: int,
                head: bool = False, actor: Actor) -> Bailiff:
    """Register a bailiff in an office with the number of open cases they can carry."""
    _require_manager(actor)
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound(f"no office {office_id}")
    if not bailiff_id.strip() or not name.strip():
        raise ValidationFailed("a bailiff has an id and a name", errors=[
            FieldError("id" if not bailiff_id.strip() else "name", "bailiff.required", "non-empty")])
    if capacity < 1:
        raise ValidationFailed("capacity must be positive", errors=[FieldError("capacity", "bailiff.capacity", "at least 1")])
    if session.get(Bailiff, bailiff_id) is not None:
        raise Conflict(f"bailiff {bailiff_id} exists")
    bailiff = Bailiff(id=bailiff_id, name=name, office_id=office_id, capacity=capacity, open_cases=0, active=True,
                      created_at=utcnow())
    session.add(bailiff)
    if head:
        office.head_bailiff_id = bailiff_id
    audit.record(session, [audit.audit_row(actor=actor, action="bailiff.added", subject_type="bailiff",
                                           subject_id=bailiff_id, details={"office": office_id, "capacity": capacity,
                                                                           "head": head})])
    return bailiff


def file_unavailability(*, session: Session, bailiff_id: str, kind: str, starts_on: date, ends_on: date,
                        reason: str, actor: Actor) -> Unavailability:
    """Record an absence, or a chamber head's suspension of distribution to themselves; both logged."""
    bailiff = session.get(Bailiff, bailiff_id)
    if bailiff is None:
        raise NotFound(f"no bailiff {bailiff_id}")
    errors = []
    if kind not in ("absence", "suspension"):
        errors.append(FieldError("kind", "unavailability.kind", "absence or suspension"))
    if ends_on < starts_on:
        errors.append(FieldError("ends_on", "period.order", "the period ends before it starts"))
    if not reason.strip():
        errors.append(FieldError("reason", "reason.required", "say why"))
    if errors:
        raise ValidationFailed("the period cannot be filed", errors=errors)
    if kind == "suspension":
        office = session.get(Office, bailiff.office_id)
        # KZ: a chamber head may suspend distribution to themselves (point 17), and only that.
        if office is None or office.head_bailiff_id != bailiff_id:
            raise Forbidden(f"{bailiff_id} is not the head of {bailiff.office_id}: only heads suspend distribution")
    elif actor.role not in MANAGERS:
        raise Forbidden("absences are filed by the bailiff service")
    size = translog.lock(session)
    now = utcnow()
    leaf = translog.append(session, [canonical_json({
        "v": 1, "event": f"bailiff.{kind}", "bailiff_id": bailiff_id, "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(), "reason": reason, "actor": actor.label, "at": to_millis(now)})], tree_size=size)
    row = Unavailability(bailiff_id=bailiff_id, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason,
                         filed_at=now, filed_by=actor.label, leaf_index=leaf)
    session.add(row)
    audit.record(session, [audit.audit_row(actor=actor, action=f"bailiff.{kind}", subject_type="bailiff",
                                           subject_id=bailiff_id, reason=reason, log_leaf_index=leaf, at=now,
                                           details={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})])
    return row


# The kind of office each mode distributes among: RU `state` departments (229-FZ art. 33), KZ
# `private` regional chambers of private bailiffs (rules of distribution, MoJ order No. 652).
OFFICE_KIND = {"state": "department", "private": "chamber"}


def office_region(*, session: Session, office_id: str) -> str | None:
    """The region an office belongs to."""
    return session.scalar(select(Office.region).where(Office.id == office_id))


def office_zones(*, session: Session, office_ids: Any) -> dict[str, str | None]:
    """The time zone each office counts its days in (None: the profile's)."""
    return dict(session.execute(select(Office.id, Office.timezone).where(one_of(session, Office.id, office_ids))).all())


def office_days(*, session: Session, office_ids: Any, zone: str | None) -> dict[str, date]:
    """Today in each office (its own time zone, else `zone`, else UTC)."""
    zones = office_zones(session=session, office_ids=office_ids)
    return {o: local_today(zones.get(o) or zone or "UTC") for o in office_ids}


def office_localities(*, session: Session, mode: str | None = None) -> dict[str, list[str]]:
    """Every office (of the mode's kind) with the address words it serves."""
    query = select(Office.id, Office.localities)
    if mode is not None:
        query = query.where(Office.kind == OFFICE_KIND[mode])
    return {office_id: list(localities or []) for office_id, localities in session.execute(query)}


def eligible(*, session: Session, office_ids: Sequence[str], on: date) -> dict[str, list[rules.Eligible]]:
    """Per office, the bailiffs who can take a case on `on`, weighted by spare capacity."""
    away = select(Unavailability.bailiff_id).where(Unavailability.starts_on <= on, Unavailability.ends_on >= on)
    rows = session.execute(select(Bailiff.id, Bailiff.office_id, Bailiff.capacity, Bailiff.open_cases)
                           .where(one_of(session, Bailiff.office_id, office_ids), Bailiff.active.is_(True),
                                  Bailiff.id.not_in(away))).all()
    out: dict[str, list[rules.Eligible]] = defaultdict(list)
    for bailiff_id, office_id, capacity, open_cases in rows:
        weight = rules.spare_capacity(capacity=capacity, open_cases=open_cases)
        if weight > 0:
            out[office_id].append(rules.Eligible(bailiff_id, weight))
    return out


@dataclass(frozen=True)
class Request:
    """A proceeding that needs a bailiff: first draw, or a redraw excluding someone."""

    proceeding_number: str
    office_id: str
    kind: str = "draw"
    reason: str = "opening of the proceeding"
    excluded: tuple[str, ...] = ()


def commit(*, session: Session, requests: Sequence[Request], store: "BeaconStore", actor: Actor,
           zone: str | None = None) -> dict[str, str]:
    """Commit the eligible list of each request to the log with the next round of the beacon.

    Returns {proceeding number: reason} for requests that could not be committed (no one eligible).
    """
    if not requests:
        return {}
    size = translog.lock(session)
    chain, round_, anchor_leaf = _next_round(session, store, size)
    size = translog.current_size(session)
    # Absences are filed in local days: each office's own today (its time zone, else `zone`).
    days = office_days(session=session, office_ids={r.office_id for r in requests}, zone=zone)
    lists: dict[str, list[rules.Eligible]] = {}
    for day in sorted(set(days.values())):
        lists.update(eligible(session=session, office_ids=sorted(o for o, d in days.items() if d == day), on=day))
    now = utcnow()
    seqs = dict(session.execute(select(Assignment.proceeding_number, func.max(Assignment.seq))
                                .where(one_of(session, Assignment.proceeding_number,
                                              {r.proceeding_number for r in requests}))
                                .group_by(Assignment.proceeding_number)).all())
    leaves, rows, refused = [], [], {}
    for request in requests:
        members = [e for e in lists.get(request.office_id, []) if e.bailiff_id not in request.excluded]
        if not members:
            refused[request.proceeding_number] = f"no bailiff of {request.office_id} can take a case"
            continue
        leaf = rules.commit_leaf(proceeding_number=request.proceeding_number, eligible=members, beacon=chain.source,
                                 round_=round_, reason=request.reason, excluded=request.excluded,
                                 anchor=chain.anchor, anchor_leaf=anchor_leaf, at=to_millis(now))
        rows.append({"proceeding_number": request.proceeding_number, "kind": request.kind,
                     "seq": seqs.get(request.proceeding_number, -1) + 1, "reason": request.reason,
                     "office_id": request.office_id, "status": "committed", "eligible": leaf["eligible"],
                     "excluded": leaf["excluded"], "beacon": chain.source, "round": round_,
                     "commit_leaf": size + len(leaves), "committed_at": now, "bailiff_id": None, "ctr": None,
                     "r": None, "result_leaf": None, "drawn_at": None, "actor": actor.label, "closed_at": None, "lead": None})
        leaves.append(canonical_json(leaf))
    if rows:
        translog.append(session, leaves, tree_size=size)
        insert_rows(session, Assignment.__table__, rows)
        audit.record(session, [audit.audit_row(actor=actor, action="assignment.committed", subject_type="proceeding",
                                               subject_id=row["proceeding_number"], reason=row["reason"],
                                               log_leaf_index=row["commit_leaf"], at=now,
                                               details={"round": round_, "beacon": chain.source,
                                                        "eligible": len(row["eligible"])}) for row in rows])
        outbox.emit(session, [outbox.event_row(topic="assignment.committed", at=now,
                                               key=f"assignment.committed:{chain.source}:{round_}:{rows[0]['commit_leaf']}",
                                               payload={"beacon": chain.source, "round": round_, "count": len(rows)})])
    if refused:
        audit.record(session, [audit.audit_row(actor=actor, action="assignment.no_eligible", subject_type="proceeding",
                                               subject_id=number, reason=why, at=now)
                               for number, why in refused.items()])
    return refused


def anchor_beacon(*, session: Session, store: "BeaconStore") -> tuple[str, int]:
    """Anchor the deployment's beacon in the log unless a chain of it with rounds left is anchored
    already (the worker does this at start, so that its first draws do not make the chain); returns
    the chain's source and its anchoring leaf. Idempotent."""
    chain, _, anchor_leaf = _next_round(session, store, translog.lock(session))
    return chain.source, anchor_leaf


def _next_round(session: Session, store: "BeaconStore", size: int) -> tuple[Any, int, int]:
    """The store's active chain, its first round not yet revealed (local: the next in order; drand:
    one not yet published), and the leaf that anchored the chain (a new anchored chain when a local
    one is used up, or on a beacon's first use)."""
    rows = session.scalars(select(BeaconChain).order_by(BeaconChain.created_at.desc(), BeaconChain.source))
    row = next((r for r in rows if store.serves(r.source)), None)
    if row is not None:
        last = session.scalar(select(func.max(BeaconRound.round)).where(BeaconRound.source == row.source)) or 0
        round_ = store.next_round(last)
        if round_ <= row.length:
            return store.chain_of(row.anchor), round_, row.anchor_leaf
    chain = store.create()
    leaf = translog.append(session, [canonical_json(store.anchor_event(chain))], tree_size=size)
    session.add(BeaconChain(source=chain.source, anchor=chain.anchor, length=min(chain.length, 2**31 - 1),
                            anchor_leaf=leaf, created_at=utcnow()))
    session.flush()
    return chain, store.next_round(0), leaf


def shift_workloads(*, session: Session, deltas: dict[str, int]) -> None:
    """Add each delta to its bailiff's open cases, never below zero (a workload is a count)."""
    changes = {bailiff_id: delta for bailiff_id, delta in sorted(deltas.items()) if delta}
    if not changes:
        return
    floor = func.max if session.get_bind().dialect.name == "sqlite" else func.greatest
    # One statement for the batch's bailiffs (a statement each was a tenth of drawing a batch of 250).
    session.execute(update(Bailiff).where(Bailiff.id.in_(list(changes)))
                    .values(open_cases=floor(Bailiff.open_cases + case(changes, value=Bailiff.id, else_=0), 0))
                    .execution_options(synchronize_session=False))
    for obj in [o for o in session.identity_map.values() if isinstance(o, Bailiff) and o.id in changes]:
        session.expire(obj, ["open_cases"])


def release(*, session: Session, proceeding_number: str) -> None:
    """A proceeding ended: its bailiff's workload goes down by one, and its bailiff is final."""
    current = current_bailiff(session=session, proceeding_number=proceeding_number)
    closed = session.execute(update(Assignment).where(Assignment.proceeding_number == proceeding_number,
                                                      Assignment.closed_at.is_(None))
                             .values(closed_at=utcnow())).rowcount
    if current is not None and closed:
        session.execute(update(Bailiff).where(Bailiff.id == current, Bailiff.open_cases > 0)
                        .values(open_cases=Bailiff.open_cases - 1))


def current_bailiff(*, session: Session, proceeding_number: str) -> str | None:
    """The bailiff of the latest completed draw or override of a proceeding."""
    return session.scalar(select(Assignment.bailiff_id).where(
        Assignment.proceeding_number == proceeding_number, Assignment.status == "drawn")
        .order_by(Assignment.seq.desc()).limit(1))


def move_case(*, session: Session, from_bailiff: str | None, to_bailiff: str) -> None:
    """Workloads after a case moved by hand from one bailiff to another."""
    if from_bailiff is not None:
        session.execute(update(Bailiff).where(Bailiff.id == from_bailiff, Bailiff.open_cases > 0)
                        .values(open_cases=Bailiff.open_cases - 1))
    session.execute(update(Bailiff).where(Bailiff.id == to_bailiff).values(open_cases=Bailiff.open_cases + 1))


def cases_of(*, session: Session, bailiff_id: str) -> list[str]:
    """The proceedings whose latest draw or override gave them to this bailiff."""
    touched = select(Assignment.proceeding_number).where(Assignment.bailiff_id == bailiff_id)
    latest: dict[str, str | None] = {}
    for number, owner in session.execute(select(Assignment.proceeding_number, Assignment.bailiff_id)
                                         .where(Assignment.status == "drawn",
                                                Assignment.proceeding_number.in_(touched))
                                         .order_by(Assignment.seq)):
        latest[number] = owner
    return sorted(n for n, owner in latest.items() if owner == bailiff_id)


def office_view(*, session: Session, office_id: str) -> dict[str, Any]:
    """An office with its bailiffs, their load and their periods away (the chamber head's page)."""
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound(f"no office {office_id}")
    bailiffs = list(session.scalars(select(Bailiff).where(Bailiff.office_id == office_id).order_by(Bailiff.id)))
    periods = list(session.scalars(select(Unavailability).where(
        one_of(session, Unavailability.bailiff_id, [b.id for b in bailiffs]) if bailiffs else Unavailability.id < 0)
        .order_by(Unavailability.starts_on.desc())))
    return {"office": office, "bailiffs": bailiffs, "periods": periods}
