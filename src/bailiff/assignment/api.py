"""JSON routes of assignment: the public record of every draw."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import select

from bailiff.assignment import changes, fairness, record
from bailiff.assignment.beacons import beacon_store
from bailiff.proceedings import claimants
from bailiff.proceedings.rules import consolidation_suffix
from bailiff.assignment.models import ChangeApplication
from bailiff.assignment.schemas import ChangeApplicationIn, DecisionIn
from bailiff.web.deps import CurrentActor, CurrentProfile, DbSession, ReadSession

router = APIRouter(prefix="/api/v1", tags=["assignment"])

# National numbers contain slashes ("15/26/77001-ИП"): sent percent-encoded, taken as a path.
ProceedingNumber = Annotated[str, Path(min_length=1, max_length=60, description="e.g. 15%2F26%2F77001-ИП")]


@router.get("/assignments", summary="The newest draws")
def list_assignments(session: ReadSession, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    return {"assignments": record.latest(session=session, limit=limit)}


@router.get("/assignments/{proceeding_number:path}",
            summary="Everything needed to recompute a proceeding's draw: list, weights, round, proofs")
def get_assignment(proceeding_number: ProceedingNumber, session: ReadSession) -> dict[str, Any]:
    return record.assignment(session=session, proceeding_number=proceeding_number)


def _application(a: ChangeApplication) -> dict[str, Any]:
    return {"id": a.id, "proceeding_number": a.proceeding_number, "bailiff_id": a.bailiff_id, "reason": a.reason,
            "filed_by": a.filed_by, "filed_at": a.filed_at.isoformat(), "filed_leaf": a.filed_leaf, "status": a.status,
            "decided_by": a.decided_by, "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            "decision_reason": a.decision_reason, "decided_leaf": a.decided_leaf}


@router.post("/change-applications", status_code=201, summary="A claimant applies to change the bailiff (KZ p. 12)")
def post_change_application(body: ChangeApplicationIn, session: DbSession, actor: CurrentActor,
                            profile: CurrentProfile) -> dict[str, Any]:
    return _application(claimants.apply_for_change_of_bailiff(
        session=session, number=body.proceeding_number, reason=body.reason, actor=actor,
        suffix=consolidation_suffix(profile.raw)))


@router.get("/change-applications", summary="The commission's queue (pending applications first)")
def list_change_applications(session: ReadSession, actor: CurrentActor,
                             status: Annotated[str | None, Query(pattern="^(pending|granted|rejected)$")] = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    changes.require_decider(actor)
    query = select(ChangeApplication).order_by(ChangeApplication.filed_at).limit(limit)
    if status is not None:
        query = query.where(ChangeApplication.status == status)
    return {"applications": [_application(a) for a in session.scalars(query)]}


@router.post("/change-applications/{application_id}/decision", summary="The commission grants or rejects")
def post_decision(application_id: Annotated[int, Path(ge=1, le=2**62)], body: DecisionIn, session: DbSession,
                  actor: CurrentActor, request: Request, profile: CurrentProfile) -> dict[str, Any]:
    store = beacon_store(request.app.state.settings)
    return _application(changes.decide_application(session=session, application_id=application_id, grant=body.grant,
                                                   reason=body.reason, actor=actor, store=store,
                                                   zone=profile.timezone))


@router.get("/stats/fairness", summary="Cases against weight per bailiff, chi-square, alarms")
def get_fairness(session: ReadSession, office: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    return fairness.report(session=session, office_id=office)
