"""Changing a proceeding's bailiff: only through the commission, or by a signed and logged override.

KZ rules of automatic distribution, point 12: a claimant may change bailiff only through the regional
chamber's disciplinary commission. A granted application triggers a fresh draw that excludes the
bailiff being replaced. A manual override (an operator choosing the bailiff) bypasses the draw; it
is allowed, but as its own event, signed by the service key and logged with its reason, and the
fairness report lists every one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.assignment import service
from bailiff.assignment.beacons import BeaconStore
from bailiff.assignment.models import Assignment, Bailiff, ChangeApplication
from bailiff.core import audit, outbox, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import to_millis, utcnow
from bailiff.core.crypto import SigningKey, b64encode, canonical_json
from bailiff.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed

# An administrator is no party to a writ, and may not both apply and decide: with both, redrawing
# until a chosen bailiff came up looked like a series of fair draws. A hand assignment is `override`,
# signed and logged as one.
APPLICANTS = frozenset({"claimant", "bank", "agency"})
DECIDERS = frozenset({"commission", "admin"})


def _current(session: Session, number: str) -> Assignment:
    # Locked (PostgreSQL): two applications, decisions or overrides for one case take turns.
    latest = session.scalar(select(Assignment).where(Assignment.proceeding_number == number)
                            .order_by(Assignment.seq.desc()).limit(1).with_for_update()
                            .execution_options(populate_existing=True))
    if latest is None:
        raise NotFound(f"no assignment for proceeding {number}")
    if latest.closed_at is not None:
        raise Conflict(f"proceeding {number} has ended: its bailiff can no longer be changed")
    if latest.status != "drawn" or latest.bailiff_id is None:
        raise Conflict(f"proceeding {number} awaits its draw; apply once a bailiff is assigned")
    return latest


def _running(session: Session, number: str) -> bool:
    """Whether a proceeding's assignment is still open (it has not ended)."""
    return session.scalar(select(Assignment.id).where(Assignment.proceeding_number == number,
                                                      Assignment.closed_at.is_(None)).limit(1)) is not None


def _leaf(session: Session, event: dict[str, Any]) -> int:
    size = translog.lock(session)
    return translog.append(session, [canonical_json(event)], tree_size=size)


def require_applicant(actor: Actor) -> None:
    """Only a claimant (a creditor organisation) applies; the API also checks it is the writ's creditor."""
    if actor.role not in APPLICANTS:
        raise Forbidden(f"a {actor.role} cannot apply for a change of bailiff; the claimant applies")


def file_application(*, session: Session, proceeding_number: str, reason: str, actor: Actor) -> ChangeApplication:
    """A claimant asks the commission to replace the proceeding's bailiff."""
    require_applicant(actor)
    audit.require_reason(reason)
    current = _current(session, proceeding_number)
    if current.kind == "join" and current.lead and _running(session, current.lead):
        # A member of a consolidated proceeding has the bailiff of the whole (229-FZ art. 34): the
        # application is about the consolidated proceeding, and a grant redraws its lead. (A lead that
        # has ended has a successor, which the caller names; it follows the ended one until redrawn.)
        proceeding_number, current = current.lead, _current(session, current.lead)
    if session.scalar(select(ChangeApplication.id).where(ChangeApplication.proceeding_number == proceeding_number,
                                                         ChangeApplication.status == "pending")) is not None:
        raise Conflict(f"an application for {proceeding_number} is already before the commission")
    now = utcnow()
    leaf = _leaf(session, {"v": 1, "event": "assignment.change_requested", "proceeding": proceeding_number,
                           "bailiff_id": current.bailiff_id, "reason": reason, "by": actor.label, "at": to_millis(now)})
    application = ChangeApplication(proceeding_number=proceeding_number, bailiff_id=current.bailiff_id, reason=reason,
                                    filed_by=actor.label, filed_at=now, filed_leaf=leaf, status="pending")
    session.add(application)
    session.flush()
    audit.record(session, [audit.audit_row(actor=actor, action="assignment.change_requested", subject_type="proceeding",
                                           subject_id=proceeding_number, reason=reason, log_leaf_index=leaf, at=now,
                                           details={"application": application.id, "bailiff": current.bailiff_id})])
    return application


def require_decider(actor: Actor) -> None:
    """Only the disciplinary commission (or an administrator) sees and decides applications."""
    if actor.role not in DECIDERS:
        raise Forbidden("only the disciplinary commission decides on a change of bailiff")


def decide_application(*, session: Session, application_id: int, grant: bool, reason: str, actor: Actor,
                       store: BeaconStore, zone: str | None = None) -> ChangeApplication:
    """The commission grants (a fresh draw without the bailiff replaced) or rejects, with reasons."""
    require_decider(actor)
    audit.require_reason(reason)
    application = session.get(ChangeApplication, application_id, with_for_update=True, populate_existing=True)
    if application is None:
        raise NotFound(f"no change application {application_id}")
    if application.status != "pending":
        raise Conflict(f"application {application_id} was already {application.status}")
    if application.filed_by == actor.label:
        raise Forbidden("an application is decided by someone other than its applicant",
                        errors=[FieldError("application_id", "assignment.change.own_application", actor.label)])
    now = utcnow()
    current = _current(session, application.proceeding_number)
    outcome = "granted" if grant else "rejected"
    leaf = _leaf(session, {"v": 1, "event": f"assignment.change_{outcome}", "proceeding": application.proceeding_number,
                           "application_leaf": application.filed_leaf, "reason": reason, "by": actor.label,
                           "at": to_millis(now)})
    application.status, application.decided_by, application.decided_at = outcome, actor.label, now
    application.decision_reason, application.decided_leaf = reason, leaf
    if grant:
        refused = service.commit(session=session, store=store, actor=actor, zone=zone, requests=[service.Request(
            application.proceeding_number, current.office_id, kind="redraw",
            reason=f"change of bailiff granted by the commission: {reason}", excluded=(application.bailiff_id,))])
        if refused:
            raise Conflict(f"no other bailiff of {current.office_id} can take the case; the application stays pending",
                           errors=[FieldError("grant", "assignment.no_eligible", refused[application.proceeding_number])])
    audit.record(session, [audit.audit_row(actor=actor, action=f"assignment.change_{outcome}", subject_type="proceeding",
                                           subject_id=application.proceeding_number, reason=reason, log_leaf_index=leaf,
                                           at=now, details={"application": application.id})])
    return application


def override(*, session: Session, proceeding_number: str, bailiff_id: str, reason: str, actor: Actor,
             key: SigningKey) -> Assignment:
    """Assign a bailiff by hand: a separate event, signed by the service key and logged with its reason."""
    if actor.role != "admin":
        raise Forbidden("only an administrator may override a draw")
    audit.require_reason(reason)
    current = _current(session, proceeding_number)
    if current.kind == "join" and current.lead and _running(session, current.lead):
        raise Conflict(f"{proceeding_number} is part of the consolidated proceeding led by {current.lead}; "
                       f"override the lead, its members follow (229-FZ art. 34)")
    bailiff = session.get(Bailiff, bailiff_id)
    if bailiff is None or bailiff.office_id != current.office_id:
        raise ValidationFailed("the bailiff must belong to the proceeding's office",
                               errors=[FieldError("bailiff_id", "override.office", f"not a bailiff of {current.office_id}")])
    now = utcnow()
    event = {"v": 1, "event": "assignment.override", "proceeding": proceeding_number, "from": current.bailiff_id,
             "to": bailiff_id, "reason": reason, "by": actor.label, "at": to_millis(now)}
    signed = {**event, "signature": {"alg": "Ed25519", "key_id": key.key_id, "value": b64encode(key.sign(canonical_json(event)))}}
    leaf = _leaf(session, signed)
    row = Assignment(proceeding_number=proceeding_number, seq=current.seq + 1, kind="override", reason=reason,
                     office_id=current.office_id, status="drawn", eligible=[], excluded=[], beacon=None, round=None,
                     commit_leaf=leaf, committed_at=now, bailiff_id=bailiff_id, ctr=None, r=None, result_leaf=leaf,
                     drawn_at=now, actor=actor.label)
    session.add(row)
    service.move_case(session=session, from_bailiff=current.bailiff_id, to_bailiff=bailiff_id)
    audit.record(session, [audit.audit_row(actor=actor, action="assignment.override", subject_type="proceeding",
                                           subject_id=proceeding_number, reason=reason, log_leaf_index=leaf, at=now,
                                           details={"from": current.bailiff_id, "to": bailiff_id})])
    outbox.emit(session, [outbox.event_row(topic="proceeding.assigned", key=f"proceeding.assigned:override:{leaf}",
                                           at=now, payload={"proceeding": proceeding_number, "bailiff_id": bailiff_id,
                                                            "kind": "override", "result_leaf": leaf})])
    return row
