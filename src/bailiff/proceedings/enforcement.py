"""Enforcement use cases: the debtor's receipt of the opening order, measures, suspension, and ending.

Namesake protection: a coercive measure is refused while the debtor's identity awaits review (the
identity context decides; a reviewer's confirmation lifts the refusal at once). Every change is a
log leaf, an audit row and an outbox event (banks' orders and notifications are sent from them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.assignment import service as assignment
from bailiff.core import audit, outbox, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import local_date, local_today, to_millis, utcnow
from bailiff.core.crypto import canonical_json
from bailiff.core.db import one_of
from bailiff.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from bailiff.identity import service as identity
from bailiff.jurisdictions import Profile
from bailiff.orgs.models import Organization
from bailiff.proceedings.measures import MeasureRules, check_measure
from bailiff.proceedings.models import Measure, Proceeding
from bailiff.proceedings.rules import OpeningRules, consolidation_suffix
from bailiff.proceedings import service
from bailiff.proceedings.service import get
from bailiff.register import service as register
from bailiff.register import transitions

ACTORS = frozenset({"bailiff_service"})  # the register lets only the service move writs


@dataclass(frozen=True)
class Move:
    """A status change of a proceeding: where from, where to, which article grounds it, the writ's move."""

    sources: frozenset[str]
    target: str
    writ_action: str | None


MOVES = {
    "suspend": Move(frozenset({"open"}), "suspended", None),
    "resume": Move(frozenset({"suspended"}), "open", None),
    "complete": Move(frozenset({"open", "suspended"}), "completed", "complete"),
    "return": Move(frozenset({"open", "suspended"}), "returned", "return"),
    "terminate": Move(frozenset({"open", "suspended"}), "terminated", "terminate"),
}


def ground_refusal(action: str, ground: str, raw: dict[str, Any]) -> str | None:
    """What the ground lacks: an article the profile allows for the action (RU 229-FZ: suspension
    art. 39, 40; resumption 42; completion 47; return 46; termination 43). Where the profile accepts
    any article (its exact ones are not confirmed), the ground must also name the law."""
    law, articles = str(raw["proceedings"]["law"]), str(raw["proceedings"]["grounds"][action])
    text = ground or ""
    generic = articles == r"\d+"
    # The number must follow an article marker ("art. 47", "ст. 47", "статья 47"), not be any number
    # (a date, say).
    cited = re.search(rf"(?:art\.?|article|ст\.?|статья|статьи)\s*({articles})(?![\d])",
                      text.replace(law, ""), flags=re.IGNORECASE)
    if cited is None or (generic and law.lower() not in text.lower()):
        return f"{action}: cite {law} " + ("and its article" if generic else "art. " + articles.replace("|", " or "))
    return None


def _zone(session: Session, proceeding: Proceeding, profile: Profile) -> str:
    """Where the proceeding's days are counted: its office's time zone, else the profile's."""
    return assignment.office_zones(session=session, office_ids=[proceeding.office_id]).get(
        proceeding.office_id) or profile.timezone


def _require_office(session: Session, proceeding: Proceeding, actor: Actor) -> None:
    """A bailiff service registered for a region acts only in its region's proceedings (an organisation
    without a region, the federal service say, acts in all)."""
    org = session.get(Organization, actor.org_id) if actor.org_id is not None else None
    if org is None or not org.region:
        return
    region = assignment.office_region(session=session, office_id=proceeding.office_id)
    if region != org.region:
        raise Forbidden(f"{actor.ident} serves region {org.region}; proceeding {proceeding.number} is conducted "
                        f"in region {region}")


def _require_actor(actor: Actor) -> None:
    if actor.role not in ACTORS:
        raise Forbidden("only the bailiff service acts in a proceeding")


def _record(session: Session, proceeding: Proceeding, action: str, actor: Actor, reason: str | None,
            details: dict[str, Any]) -> int:
    now = utcnow()
    size = translog.lock(session)
    leaf = translog.append(session, [canonical_json({"v": 1, "event": f"proceeding.{action}", "proceeding": proceeding.number,
                                                     **details, "at": to_millis(now)})], tree_size=size)
    audit.record(session, [audit.audit_row(actor=actor, action=f"proceeding.{action}", subject_type="proceeding",
                                           subject_id=proceeding.number, reason=reason, log_leaf_index=leaf, at=now,
                                           details=details)])
    outbox.emit(session, [outbox.event_row(topic=f"proceeding.{action}", key=f"proceeding.{action}:{leaf}", at=now,
                                           payload={"proceeding": proceeding.number, "leaf_index": leaf, **details})])
    return leaf


def follow_duplicate(session: Session, proceeding: Proceeding, actor: Actor) -> None:
    """A duplicate issued for a lost writ (RU Civil Procedure Code art. 430) replaces it: the proceeding
    carries on on the duplicate, which the register put in the original's status."""
    writ = register.get_writ(session=session, register_number=proceeding.register_number)
    while writ.status == "superseded" and writ.superseded_by:
        old = proceeding.register_number
        proceeding.register_number = writ.superseded_by
        _record(session, proceeding, "writ_replaced", actor, "the writ was replaced by its duplicate",
                {"from": old, "to": writ.superseded_by})
        writ = register.get_writ(session=session, register_number=writ.superseded_by)


def record_receipt(*, session: Session, number: str, received_on: date, actor: Actor, profile: Profile) -> Proceeding:
    """The debtor received the opening order: the voluntary period starts (art. 30 part 12)."""
    _require_actor(actor)
    proceeding = get(session=session, number=number, for_update=True)
    _require_office(session, proceeding, actor)
    if proceeding.status not in ("open", "suspended"):
        raise Conflict(f"proceeding {number} is {proceeding.status}: nothing more is recorded on it",
                       errors=[FieldError("number", "proceeding.ended", proceeding.status)])
    zone = _zone(session, proceeding, profile)
    if received_on < local_date(proceeding.opened_at, zone) or received_on > local_today(zone):
        raise ValidationFailed("impossible receipt date", errors=[FieldError(
            "received_on", "receipt.date", "between the opening of the proceeding and today")])
    if proceeding.order_received_on is not None:
        raise Conflict(f"the receipt was recorded already ({proceeding.order_received_on.isoformat()})")
    deadline = OpeningRules.from_profile(profile.raw).voluntary_deadline(received_on)
    proceeding.order_received_on, proceeding.voluntary_deadline = received_on, deadline
    _record(session, proceeding, "order_received", actor, None,
            {"received_on": received_on.isoformat(), "voluntary_deadline": deadline.isoformat()})
    return proceeding


def order_measure(*, session: Session, number: str, kind: str, params: dict[str, Any], actor: Actor,
                  profile: Profile, today: date | None = None) -> Measure:
    """Order an enforcement measure if the law allows it now; otherwise say which rule forbids it."""
    _require_actor(actor)
    proceeding = get(session=session, number=number, for_update=True)
    _require_office(session, proceeding, actor)
    if proceeding.status != "open":
        raise Conflict(f"proceeding {number} is {proceeding.status}: no measures")
    follow_duplicate(session, proceeding, actor)
    rules = MeasureRules.from_profile(profile.raw)
    if kind in rules.coercive:
        identity.require_confirmed(session=session, register_number=proceeding.register_number)
    debt = Decimal(proceeding.amount) if proceeding.amount else None
    refusals = check_measure(kind=kind, rules=rules, today=today or local_today(_zone(session, proceeding, profile)),
                             voluntary_deadline=proceeding.voluntary_deadline, debt=debt,
                             category=proceeding.category, params=params, debtor_kind=proceeding.debtor_kind,
                             non_property=proceeding.amount is None and proceeding.currency is None)
    if refusals:
        raise ValidationFailed("the measure is not allowed", errors=[FieldError(r.field, r.rule, r.message)
                                                                     for r in refusals])
    now = utcnow()
    basis = rules.basis.get(kind, str(profile.raw["proceedings"]["law"]))
    if kind == "withhold_income":
        # The employer's order carries the sum that must stay with the debtor (RU art. 99 part 1.1 on
        # the debtor's application; KZ art. 95 p.1 always), or null where the claim overrides it.
        kept = rules.protects_minimum(category=proceeding.category, applied=params.get("debtor_applied") is True)
        params = {**params, "subsistence_minimum_kept": str(rules.subsistence_minimum) if kept else None}
    leaf = _record(session, proceeding, "measure_ordered", actor, None, {"kind": kind, "params": params, "basis": basis})
    measure = Measure(proceeding_number=number, kind=kind, status="ordered", params=params, basis=basis,
                      ordered_at=now, ordered_by=actor.label, leaf_index=leaf)
    session.add(measure)
    session.flush()
    return measure


def change_status(*, session: Session, number: str, action: str, ground: str, actor: Actor,
                  profile: Profile) -> Proceeding:
    """Suspend, resume, complete, return or terminate, citing the article; the writ's status follows."""
    _require_actor(actor)
    move = MOVES.get(action)
    if move is None:
        raise ValidationFailed("unknown action", errors=[FieldError("action", "proceeding.action",
                                                                     f"one of {', '.join(MOVES)}")])
    missing = ground_refusal(action, ground, profile.raw)
    if missing:
        raise ValidationFailed("the ground must cite the article", errors=[FieldError(
            "ground", "proceeding.ground.article", missing)])
    proceeding = get(session=session, number=number, for_update=True)
    _require_office(session, proceeding, actor)
    if proceeding.status not in move.sources:
        raise Conflict(f"proceeding {number} is {proceeding.status}: the action {action} is not possible",
                       errors=[FieldError("action", "proceeding.transition", f"from {proceeding.status}")])
    follow_duplicate(session, proceeding, actor)
    old = proceeding.status
    proceeding.status, proceeding.ground = move.target, ground
    if move.writ_action is not None:
        proceeding.ended_at = utcnow()
        transitions.transition(session=session, register_number=proceeding.register_number, action=move.writ_action,
                            reason=f"proceeding {number}: {ground}", actor=actor)
        assignment.release(session=session, proceeding_number=number)
        service.succeed(session=session, number=number, suffix=consolidation_suffix(profile.raw), actor=actor)
    _record(session, proceeding, action, actor, ground, {"from": old, "to": move.target, "ground": ground})
    return proceeding


def end_recalled(*, session: Session, register_numbers: list[str], actor: Actor, profile: Profile) -> list[str]:
    """Terminate the running proceedings on writs their issuer recalled; the writ stays `recalled`
    (RU 229-FZ art. 43 part 2 s.4; the ground comes from the profile)."""
    grounds = profile.raw["proceedings"].get("grounds")
    if not grounds:  # a profile that opens no proceedings (uz, kg) has none to end
        return []
    ground = str(grounds["recall_ground"])
    numbers = list(session.scalars(select(Proceeding.number).where(
        one_of(session, Proceeding.register_number, register_numbers),
        Proceeding.status.in_(("open", "suspended")))))
    for number in numbers:
        proceeding = get(session=session, number=number, for_update=True)
        if proceeding.status not in ("open", "suspended"):
            continue
        old = proceeding.status
        proceeding.status, proceeding.ground, proceeding.ended_at = "terminated", ground, utcnow()
        assignment.release(session=session, proceeding_number=number)
        service.succeed(session=session, number=number, suffix=consolidation_suffix(profile.raw), actor=actor)
        _record(session, proceeding, "terminate", actor, ground, {"from": old, "to": "terminated", "ground": ground})
    return numbers
