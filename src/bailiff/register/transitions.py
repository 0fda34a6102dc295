"""A writ's moves along its life cycle (present, start_execution, complete, return, terminate,
recall): checked against the rules, logged as leaves of the transparency log, audited and announced
as `writ.status_changed` events, all in the caller's transaction under the log lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bailiff.core import audit, outbox, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import to_millis, utcnow
from bailiff.core.crypto import canonical_json
from bailiff.core.db import one_of
from bailiff.core.errors import BailiffError, Conflict, NotFound
from bailiff.register import rules
from bailiff.register.models import Writ
from bailiff.register.results import ItemResult
from bailiff.register.rules import Status


def status_leaf(register_number: str, old: str, new: Status, action: str, actor_code: str, now: Any) -> bytes:
    return canonical_json({"v": 1, "event": "writ.status_changed", "register_number": register_number,
                           "from": old, "to": new.value, "action": action, "actor": actor_code,
                           "at": to_millis(now)})


def status_event(register_number: str, issuer: str, old: str, new: Status, leaf: int,
                  now: Any, department: str | None = None) -> dict[str, Any]:
    return outbox.event_row(topic="writ.status_changed", key=f"writ.status:{register_number}:{leaf}", at=now,
                            payload={"register_number": register_number, "issuer": issuer, "from": old,
                                     "to": new.value, "leaf_index": leaf, "department": department})


def transition(*, session: Session, register_number: str, action: str, reason: str, actor: Actor,
               department: str | None = None) -> ItemResult:
    """Move a writ along its life cycle (present, start_execution, complete, return, recall)."""
    outcome = transition_many(session=session, register_numbers=[register_number], action=action, reason=reason,
                              actor=actor, department=department)[register_number]
    if isinstance(outcome, BailiffError):
        raise outcome
    return outcome


def _sync(session: Session, numbers: set[str], status: str, at: Any) -> None:
    """Writs of these numbers already loaded in the session see the new status (as committed)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Writ) and obj.register_number in numbers:
            set_committed_value(obj, "status", status)
            set_committed_value(obj, "status_changed_at", at)


def transition_many(*, session: Session, register_numbers: Sequence[str], action: str, reason: str, actor: Actor,
                    department: str | None = None) -> dict[str, ItemResult | BailiffError]:
    """The same move for many writs under one log lock: a result, or the refusal, per writ."""
    tree_size = translog.lock(session)
    # Core rows, not ORM objects: a batch of thousands neither parses documents nor has to be kept in
    # step with the identity map (`_sync` below does that for writs a caller holds).
    writs = {w.register_number: w for w in session.execute(
        select(Writ.register_number, Writ.status, Writ.issuer_id, Writ.superseded_by, Writ.document_hash,
               Writ.document[("issuer", "code")].as_string().label("issuer_code"))
        .where(one_of(session, Writ.register_number, register_numbers)))}
    now = utcnow()
    out: dict[str, ItemResult | BailiffError] = {}
    moved: list[tuple[Any, str, Status]] = []
    for number in dict.fromkeys(register_numbers):
        writ = writs.get(number)
        if writ is None:
            out[number] = NotFound(f"no writ {number} in the register")
            continue
        try:
            new = rules.check_transition(action=action, status=Status(writ.status), actor_role=actor.role,
                                         actor_is_issuer=actor.org_id == writ.issuer_id,
                                         superseded_by=writ.superseded_by)
        except BailiffError as exc:
            out[number] = exc
            continue
        moved.append((writ, writ.status, new))
    for old in {old for _, old, _ in moved}:
        for target in {new for _, o, new in moved if o == old}:
            numbers = [w.register_number for w, o, new in moved if o == old and new == target]
            # The conditional UPDATE is the last guard against a lost update, even if a caller forgot the lock.
            changed = session.execute(update(Writ).where(one_of(session, Writ.register_number, numbers),
                                                         Writ.status == old)
                                      .values(status=target.value, status_changed_at=now)
                                      .execution_options(synchronize_session=False)).rowcount
            if changed != len(numbers):
                raise Conflict("a writ changed meanwhile; try again")
            _sync(session, set(numbers), target.value, now)
    if not moved:
        return out
    first = translog.append(session, [status_leaf(w.register_number, old, new, action, actor.ident, now)
                                      for w, old, new in moved], tree_size=tree_size)
    audits, events = [], []
    for offset, (writ, old, new) in enumerate(moved):
        leaf = first + offset
        audits.append(audit.audit_row(actor=actor, action=f"writ.{action}", subject_type="writ",
                                      subject_id=writ.register_number, reason=reason, log_leaf_index=leaf, at=now,
                                      details={"from": old, "to": new.value, "department": department}))
        events.append(status_event(writ.register_number, writ.issuer_code, old, new, leaf, now, department))
        out[writ.register_number] = ItemResult(0, writ.register_number, leaf, new.value, writ.document_hash.hex())
    audit.record(session, audits)
    outbox.emit(session, events)
    return out
