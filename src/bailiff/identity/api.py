"""JSON routes of the identity context: decisions, reviews, merges."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from bailiff.identity import duplicates, service
from bailiff.identity.schemas import ConfirmIn, MergeIn, ReasonIn, SurvivorIn
from bailiff.web.deps import CurrentActor, DbSession, ReadSession

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])
Id = Annotated[int, Path(ge=1, le=2**62)]
RegisterNumber = Annotated[str, Path(pattern=r"^[A-Z]{2}-\d{4}-\d{9}$")]


def _reviewer(actor: CurrentActor) -> None:
    service.require_reviewer(actor)


@router.get("/parties/{register_number}/{role}/{position}", summary="How a party of a writ was identified")
def get_party(register_number: RegisterNumber, role: Annotated[str, Path(pattern="^(debtor|creditor)$")],
              position: Annotated[int, Path(ge=0, le=99)], session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    _reviewer(actor)
    link = service.party_link(session=session, register_number=register_number, role=role, position=position)
    return {"register_number": link.register_number, "role": link.role, "position": link.position,
            "party_kind": link.party_kind, "person_id": link.person_id, "entity_id": link.entity_id,
            "outcome": link.outcome, "probability": link.probability, "confirmed": link.confirmed,
            "evidence": link.evidence, "decided_at": link.decided_at.isoformat(), "decided_by": link.decided_by}


@router.get("/reviews", summary="Open review tasks, oldest first")
def list_reviews(session: ReadSession, actor: CurrentActor,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    _reviewer(actor)
    return {"reviews": service.open_reviews(session=session, limit=limit)}


@router.get("/reviews/{task_id}", summary="One review task")
def get_review(task_id: Id, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    _reviewer(actor)
    return service.review(session=session, task_id=task_id)


@router.post("/reviews/{task_id}/confirm", summary="The party is this person (or, for an organisation, this organisation record)")
def confirm(task_id: Id, body: ConfirmIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return service.confirm(session=session, task_id=task_id, person_id=body.person_id, entity_id=body.entity_id,
                           reason=body.reason,
                           actor=actor)


@router.post("/reviews/{task_id}/reject", summary="The party is none of the candidates")
def reject(task_id: Id, body: ReasonIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return service.reject(session=session, task_id=task_id, reason=body.reason, actor=actor)


@router.post("/reviews/{task_id}/reopen", summary="Undo a review decision")
def reopen(task_id: Id, body: ReasonIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return service.reopen(session=session, task_id=task_id, reason=body.reason, actor=actor)


@router.post("/reviews/{task_id}/merge", summary="The task's duplicate records are one person: keep this one")
def merge_duplicates(task_id: Id, body: SurvivorIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return duplicates.merge_cluster(session=session, task_id=task_id, survivor_id=body.survivor_id,
                                    reason=body.reason, actor=actor)


@router.post("/reviews/{task_id}/distinct", summary="The task's records are different people")
def distinct_duplicates(task_id: Id, body: ReasonIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return duplicates.dismiss_cluster(session=session, task_id=task_id, reason=body.reason, actor=actor)


@router.post("/merges", summary="Merge two person records (refused on conflicting identifiers)")
def merge(body: MergeIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return service.merge(session=session, survivor_id=body.survivor_id, merged_id=body.merged_id,
                         reason=body.reason, actor=actor)


@router.post("/merges/{merge_id}/undo", summary="Undo a merge")
def unmerge(merge_id: Id, body: ReasonIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return service.unmerge(session=session, merge_id=merge_id, reason=body.reason, actor=actor)


@router.get("/persons/{person_id}", summary="A person record with identifiers and writs")
def get_person(person_id: Id, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    _reviewer(actor)
    return service.person(session=session, person_id=person_id)
