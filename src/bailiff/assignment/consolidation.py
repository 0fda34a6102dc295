"""One bailiff for a consolidated proceeding: members follow the bailiff of the group's lead proceeding.

RU 229-FZ art. 34 part 1: proceedings against one debtor are joined into a consolidated proceeding,
which one bailiff conducts. A member is therefore not drawn on its own; it is *joined* to the bailiff
its lead proceeding was drawn (or redrawn, or overridden) to. Each join is a log leaf that names the
lead proceeding and the leaf of the lead's assignment, so an outsider checks a member by checking
the lead's draw (`bailiff verify-assignment` does).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bailiff.assignment import service
from bailiff.assignment.models import Assignment
from bailiff.core import audit, outbox, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import to_millis, utcnow
from bailiff.core.crypto import canonical_json
from bailiff.core.bulk import insert_rows
from bailiff.core.db import one_of

RULE = "229-FZ art. 34 part 1: a consolidated proceeding is conducted by one bailiff"


def _latest(session: Session, numbers: set[str]) -> dict[str, Any]:
    """The newest assignment of each proceeding (committed or drawn): the columns a join looks at, as
    plain rows (the whole objects, committed lists and all, were a sixth of drawing a batch)."""
    if not numbers:
        return {}
    newest = (select(Assignment.proceeding_number, func.max(Assignment.seq).label("seq"))
              .where(one_of(session, Assignment.proceeding_number, numbers))
              .group_by(Assignment.proceeding_number).subquery())
    rows = session.execute(select(Assignment.proceeding_number, Assignment.seq, Assignment.status,
                                  Assignment.bailiff_id, Assignment.office_id, Assignment.closed_at,
                                  Assignment.result_leaf)
                           .join(newest, (Assignment.proceeding_number == newest.c.proceeding_number)
                                 & (Assignment.seq == newest.c.seq)))
    return {a.proceeding_number: a for a in rows}


class Member(NamedTuple):
    """A proceeding of a consolidated group, its lead, its office, and the leaf that grouped it."""

    number: str
    lead: str
    office_id: str
    grouped_leaf: int


def join(*, session: Session, members: Sequence[Member], actor: Actor) -> list[str]:
    """Give each member the lead's current bailiff; returns the members joined now.

    A member whose lead has no drawn bailiff yet waits (it is joined when the lead is drawn); a member
    already with the lead's bailiff is left alone; an ended member (closed assignment) never moves.
    """
    if not members:
        return []
    size = translog.lock(session)  # first: the rows read below cannot change before the joins are written
    latest = _latest(session, {m.number for m in members} | {m.lead for m in members})
    todo = []
    for m in members:
        lead_row = latest.get(m.lead)
        # The lead must have a bailiff in the member's office: drawn, overridden, or (a successor of a
        # lead that ended) joined to the previous lead, a chain the auditor follows to its draw.
        if (lead_row is None or lead_row.status != "drawn" or lead_row.bailiff_id is None or m.number == m.lead
                or lead_row.office_id != m.office_id):
            continue
        mine = latest.get(m.number)
        if mine is not None and (mine.closed_at is not None or mine.status != "drawn"
                                 or mine.bailiff_id == lead_row.bailiff_id):
            continue  # ended, still being drawn on its own, or already with the group's bailiff
        todo.append((m, lead_row, mine))
    if not todo:
        return []
    now = utcnow()
    leaves, rows = [], []
    load: dict[str, int] = defaultdict(int)
    for offset, (m, lead_row, mine) in enumerate(todo):
        leaves.append(canonical_json({
            "v": 1, "event": "assignment.joined", "proceeding": m.number, "lead": lead_row.proceeding_number,
            "grouped_leaf": m.grouped_leaf, "lead_assignment_leaf": lead_row.result_leaf,
            "bailiff_id": lead_row.bailiff_id, "from": mine.bailiff_id if mine else None, "rule": RULE,
            "at": to_millis(now)}))
        rows.append({"proceeding_number": m.number, "kind": "join", "seq": (mine.seq + 1) if mine else 0,
                     "reason": f"consolidated with {lead_row.proceeding_number} ({RULE})", "office_id": m.office_id,
                     "status": "drawn", "eligible": [], "excluded": [], "beacon": None, "round": None,
                     "commit_leaf": size + offset, "committed_at": now, "bailiff_id": lead_row.bailiff_id,
                     "ctr": None, "r": None, "result_leaf": size + offset, "drawn_at": now, "actor": actor.label,
                     "closed_at": None, "lead": lead_row.proceeding_number})
        load[lead_row.bailiff_id] += 1
        if mine is not None and mine.bailiff_id:
            load[mine.bailiff_id] -= 1
    translog.append(session, leaves, tree_size=size)
    insert_rows(session, Assignment.__table__, rows)
    service.shift_workloads(session=session, deltas=load)
    audit.record(session, [audit.audit_row(actor=actor, action="assignment.joined", subject_type="proceeding",
                                           subject_id=r["proceeding_number"], reason=r["reason"],
                                           log_leaf_index=r["result_leaf"], at=now,
                                           details={"bailiff": r["bailiff_id"]}) for r in rows])
    outbox.emit(session, [outbox.event_row(topic="proceeding.assigned", at=now,
                                           key=f"proceeding.assigned:join:{r['result_leaf']}",
                                           payload={"proceeding": r["proceeding_number"], "bailiff_id": r["bailiff_id"],
                                                    "kind": "join", "result_leaf": r["result_leaf"]}) for r in rows])
    return [r["proceeding_number"] for r in rows]
