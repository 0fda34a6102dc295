"""Reveal and draw: the committed assignments whose beacon round exists are drawn (step 2 of the
published form, bailiff.assignment.rules) and recorded (step 3), in batches.

A round is revealed only here, after the transaction that committed to it: the log then shows every
commitment before its round. Like every use case that appends to the log, a batch takes the log lock
first (`translog.lock`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import MISSING, dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from bailiff.assignment import rules
if TYPE_CHECKING:
    from bailiff.assignment.beacons import BeaconStore
from bailiff.assignment.models import Assignment, BeaconChain, BeaconRound
from bailiff.assignment.service import shift_workloads
from bailiff.core import audit, outbox, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import to_millis, utcnow
from bailiff.core.crypto import canonical_json
from bailiff.core.bulk import insert_rows, update_rows
from bailiff.core.db import one_of


@dataclass(slots=True)
class Drawn:
    """An assignment drawn by `draw_pending`: the committed row's columns with the draw's outcome."""

    id: int
    proceeding_number: str
    seq: int
    kind: str
    beacon: str
    round: int
    eligible: list[Any]
    commit_leaf: int
    bailiff_id: str = ""
    ctr: int = 0
    r: str = ""
    result_leaf: int = 0


# The columns `draw_pending` reads of each committed assignment, Drawn's fields without a default, in
# their order: plain rows, not ORM objects (loading a thousand objects, committed lists and all, was a
# twentieth of opening and drawing a batch).
_COMMITTED = tuple(getattr(Assignment, f.name) for f in fields(Drawn) if f.default is MISSING)


def draw_pending(*, session: Session, store: "BeaconStore", actor: Actor, limit: int = 5000) -> list[Drawn]:
    """Reveal the rounds that committed assignments wait for, and draw them; returns the drawn ones."""
    # Fetch (and verify) the rounds before the log lock: a relay's latency must not hold up the log.
    # A local chain's rounds are computed under the lock below without these three reads.
    needed = _drawable_rounds(session, store, limit) if store.fetches_rounds else {}
    logged = {(r.source, r.round) for r in session.execute(select(BeaconRound.source, BeaconRound.round).where(
        or_(*(and_(BeaconRound.source == s, BeaconRound.round == n) for s, n in needed))))} if needed else set()
    fetched = {(source, round_): store.reveal(source, anchor, round_)
               for (source, round_), anchor in sorted(needed.items()) if (source, round_) not in logged}
    size = translog.lock(session)
    pending = [Drawn(*row) for row, _ in _drawable(session, store, limit)]
    if not pending:
        return []
    now = utcnow()
    chains = {c.source: c for c in session.scalars(select(BeaconChain).where(
        one_of(session, BeaconChain.source, {a.beacon for a in pending})))}
    wanted = {(a.beacon, a.round) for a in pending}
    known = {(r.source, r.round): r.value for r in session.scalars(select(BeaconRound).where(
        or_(*(and_(BeaconRound.source == s, BeaconRound.round == n) for s, n in wanted))))}
    reveals = []
    for source, round_ in sorted(wanted - set(known)):
        value, evidence = fetched.get((source, round_)) or store.reveal(source, chains[source].anchor, round_)
        reveals.append((source, round_, value, evidence))
        known[(source, round_)] = value
    leaves = [canonical_json({"v": 1, "event": "beacon.revealed", "beacon": s, "round": n, "value": v.hex(),
                              **evidence, "at": to_millis(now)}) for s, n, v, evidence in reveals]
    results = []
    for a in pending:
        seed = known[(a.beacon, a.round)]
        result = rules.draw(seed=seed, proceeding_number=a.proceeding_number,
                            eligible=rules.eligible_from_leaf({"eligible": a.eligible}))
        results.append((a, result, seed))
    first = translog.append(session, leaves + [canonical_json(rules.result_leaf(
        proceeding_number=a.proceeding_number, commit_leaf_index=a.commit_leaf, round_=a.round, randomness=seed,
        result=result)) for a, result, seed in results], tree_size=size)
    insert_rows(session, BeaconRound.__table__, [{"source": s, "round": n, "value": v, "leaf_index": first + i,
                                                  "revealed_at": now} for i, (s, n, v, _) in enumerate(reveals)])
    load: dict[str, int] = defaultdict(int)
    drawn = []
    for offset, (a, result, _) in enumerate(results):
        a.bailiff_id, a.ctr, a.r, a.result_leaf = result.bailiff_id, result.ctr, str(result.r), first + len(reveals) + offset
        drawn.append({"id": a.id, "status": "drawn", "bailiff_id": a.bailiff_id, "ctr": a.ctr, "r": a.r,
                      "result_leaf": a.result_leaf, "drawn_at": now})
        load[result.bailiff_id] += 1
        previous = _previous_bailiff(session, a)
        if previous is not None:
            load[previous] -= 1
    # One statement instead of the unit of work's flush of a thousand changed objects (a tenth of
    # opening and drawing a batch went to that flush), or an UPDATE per row.
    update_rows(session, Assignment.__table__, "id", drawn)
    for values in drawn:  # an object of these rows that the session holds says the same
        held = session.identity_map.get(identity_key(Assignment, values["id"]))
        for key, value in values.items() if held is not None else ():
            set_committed_value(held, key, value)
    shift_workloads(session=session, deltas=load)
    audit.record(session, [audit.audit_row(actor=actor, action="assignment.drawn", subject_type="proceeding",
                                           subject_id=a.proceeding_number, log_leaf_index=a.result_leaf, at=now,
                                           details={"bailiff": a.bailiff_id, "round": a.round, "ctr": a.ctr})
                           for a, _, _ in results])
    outbox.emit(session, [outbox.event_row(topic="proceeding.assigned", key=f"proceeding.assigned:{a.id}", at=now,
                                           payload={"proceeding": a.proceeding_number, "bailiff_id": a.bailiff_id,
                                                    "kind": a.kind, "result_leaf": a.result_leaf})
                          for a, _, _ in results])
    return pending


def _committed_first(session: Session, store: "BeaconStore", limit: int, *columns: Any) -> Select[Any] | None:
    """The oldest `limit` committed assignments on chains this store can reveal, as a select of
    `columns` and the chain's anchor; None when no such chain has any."""
    # Only chains this store can reveal, chosen before the limit: commitments to a chain the deployment
    # no longer serves (fairness: stalled draws) must not fill every batch and starve the others.
    # A proceeding that ended before its draw (release() closed the row) is not drawn: its bailiff,
    # if it had one, is final, and no workload may be added for a case that is over.
    pending = (Assignment.status == "committed", Assignment.closed_at.is_(None))
    sources = [source for (source,) in session.execute(select(Assignment.beacon).where(*pending).distinct())
               if source is not None and store.can_reveal(source)]
    if not sources:
        return None
    return (select(*columns, BeaconChain.anchor).join(BeaconChain, BeaconChain.source == Assignment.beacon)
            .where(*pending, Assignment.beacon.in_(sources))
            .order_by(Assignment.commit_leaf).limit(limit))


def _drawable(session: Session, store: "BeaconStore", limit: int) -> list[tuple[Any, bytes]]:
    """Committed assignments (the `_COMMITTED` columns) whose round this store can reveal now, with
    their chain's anchor."""
    query = _committed_first(session, store, limit, *_COMMITTED)
    if query is None:
        return []
    rows = session.connection().execute(query).all()  # _committed_first's session query flushed pending objects
    # A drand round not out yet waits.
    return [(row[:-1], row[-1]) for row in rows if store.ready_in(row.beacon, row.round) <= 0]


def _drawable_rounds(session: Session, store: "BeaconStore", limit: int) -> dict[tuple[str, int], bytes]:
    """The rounds (with their chain's anchor) that `_drawable` would return assignments for: plain
    rows, read before the log lock to fetch the rounds, without loading the assignments twice."""
    query = _committed_first(session, store, limit, Assignment.beacon, Assignment.round)
    if query is None:
        return {}
    rows = session.connection().execute(query).all()
    return {(source, round_): anchor for source, round_, anchor in rows if store.ready_in(source, round_) <= 0}


def pending_wait(*, session: Session, store: "BeaconStore") -> float | None:
    """Seconds until the earliest round that committed assignments wait for is published; None when
    nothing waits."""
    rounds = session.execute(select(Assignment.beacon, func.min(Assignment.round)).where(
        Assignment.status == "committed", Assignment.closed_at.is_(None)).group_by(Assignment.beacon)).all()
    waits = [store.ready_in(source, round_) for source, round_ in rounds
             if source is not None and store.can_reveal(source)]
    return min(waits) + 0.05 if waits else None


def _previous_bailiff(session: Session, assignment: Drawn) -> str | None:
    """Who had the proceeding before a redraw (their workload goes down)."""
    if assignment.seq == 0:
        return None
    return session.scalar(select(Assignment.bailiff_id).where(
        Assignment.proceeding_number == assignment.proceeding_number, Assignment.seq < assignment.seq,
        Assignment.status == "drawn").order_by(Assignment.seq.desc()).limit(1))
