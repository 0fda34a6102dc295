"""JSON routes of proceedings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from bailiff.proceedings import enforcement, service
from bailiff.proceedings.schemas import MeasureIn, ReceiptIn, StatusIn
from bailiff.web.deps import CurrentActor, CurrentProfile, DbSession, ReadSession

router = APIRouter(prefix="/api/v1", tags=["proceedings"])

ProceedingNumber = Annotated[str, Path(min_length=1, max_length=60, description="e.g. 15%2F26%2F77001-ИП")]


@router.get("/proceedings/{number:path}", summary="A proceeding (for the bailiff service)")
def get_proceeding(number: ProceedingNumber, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    return service.view(session=session, number=number, actor=actor)


@router.post("/proceedings/receipts", summary="The debtor received the opening order: the voluntary period starts")
def post_receipt(body: ReceiptIn, session: DbSession, actor: CurrentActor, profile: CurrentProfile) -> dict[str, Any]:
    p = enforcement.record_receipt(session=session, number=body.number, received_on=body.received_on, actor=actor,
                                   profile=profile)
    return service.view(session=session, number=p.number, actor=actor)


@router.post("/proceedings/transitions", summary="Suspend, resume, complete, return or terminate (with the article)")
def post_status(body: StatusIn, session: DbSession, actor: CurrentActor, profile: CurrentProfile) -> dict[str, Any]:
    p = enforcement.change_status(session=session, number=body.number, action=body.action, ground=body.ground,
                                  actor=actor, profile=profile)
    return service.view(session=session, number=p.number, actor=actor)


@router.post("/measures", status_code=201, summary="Order a measure (refused with the rule that forbids it)")
def post_measure(body: MeasureIn, session: DbSession, actor: CurrentActor, profile: CurrentProfile) -> dict[str, Any]:
    m = enforcement.order_measure(session=session, number=body.proceeding_number, kind=body.kind, params=body.params,
                                  actor=actor, profile=profile)
    return {"id": m.id, "proceeding_number": m.proceeding_number, "kind": m.kind, "status": m.status,
            "params": m.params, "basis": m.basis, "ordered_at": m.ordered_at.isoformat(), "leaf_index": m.leaf_index}
