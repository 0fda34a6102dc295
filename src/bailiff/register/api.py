"""JSON routes of the register: intake, transitions, public verification, the log."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request, Response

from bailiff.assignment import service as assignment
from bailiff.core import translog
from bailiff.core.crypto import b64encode
from bailiff.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from bailiff.proceedings import service as proceedings
from bailiff.register import service, transitions
from bailiff.register.schemas import Envelope, TransitionIn
from bailiff.web.deps import (CurrentActor, CurrentProfile, DbSession, RawJson, ReadSession, ServiceKey, in_plain_read,
                              in_read_session)

router = APIRouter(prefix="/api/v1")

ENVELOPE_SCHEMA = {"content": {"application/json": {"schema": Envelope.model_json_schema()}}}
BATCH_SCHEMA = {"content": {"application/json": {"schema": {
    "type": "object", "required": ["envelopes"],
    "properties": {"envelopes": {"type": "array", "maxItems": service.MAX_BATCH,
                                 "items": Envelope.model_json_schema()}}}}}}

# Log positions are 63-bit in storage; larger numbers are answered as validation errors, not crashes.
MAX_INDEX = 2**62

RegisterNumber = Annotated[str, Path(pattern=r"^[A-Z]{2}-\d{4}-\d{9}$", description="e.g. RU-2026-000000001")]


@router.post("/writs", status_code=201, openapi_extra={"requestBody": ENVELOPE_SCHEMA}, tags=["intake"],
             summary="Register one signed writ (idempotent: a re-sent document returns its first result)")
def post_writ(payload: RawJson, session: DbSession, actor: CurrentActor, profile: CurrentProfile,
              response: Response) -> dict[str, Any]:
    (result,) = service.register_batch(session=session, envelopes=[payload], actor=actor, profile=profile)
    if not result.accepted:
        if any(e.rule == "issuer.token_mismatch" for e in result.errors):
            raise Forbidden("this token may not submit writs of that issuer", errors=result.errors)
        error = Conflict if result.conflict else ValidationFailed
        raise error("the writ was not registered", errors=result.errors)
    if result.replay:
        response.status_code = 200
    body = result.as_json()
    body.pop("index")
    body.pop("result")
    return body


@router.post("/writs/batch", openapi_extra={"requestBody": BATCH_SCHEMA}, tags=["intake"],
             summary="Register up to 10,000 signed writs; each item is accepted or rejected on its own")
def post_batch(payload: RawJson, session: DbSession, actor: CurrentActor, profile: CurrentProfile) -> Response:
    envelopes = payload.get("envelopes") if isinstance(payload, dict) else None
    if not isinstance(envelopes, list):
        raise ValidationFailed("the body must be {\"envelopes\": [...]}",
                               errors=[FieldError("envelopes", "schema.list_type", "a list of envelopes")])
    if not 1 <= len(envelopes) <= service.MAX_BATCH:
        raise ValidationFailed(f"a batch holds 1 to {service.MAX_BATCH} envelopes",
                               errors=[FieldError("envelopes", "batch.size", f"got {len(envelopes)}")])
    results = service.register_batch(session=session, envelopes=envelopes, actor=actor, profile=profile)
    accepted = sum(r.accepted for r in results)
    # orjson: the standard encoder took a measurable share of a 10,000-item answer.
    return Response(orjson.dumps({"accepted": accepted, "rejected": len(results) - accepted,
                                  "items": [r.as_json() for r in results]}), media_type="application/json")


@router.post("/writs/{register_number}/transitions", tags=["register"],
             summary="Present, start execution, complete, return or recall a writ")
def post_transition(register_number: RegisterNumber, body: TransitionIn, session: DbSession,
                    actor: CurrentActor) -> dict[str, Any]:
    _check_transition_input(session, register_number, body)
    result = transitions.transition(session=session, register_number=register_number, action=body.action,
                                reason=body.reason, actor=actor, department=body.department)
    return {"register_number": result.register_number, "status": result.status, "leaf_index": result.leaf_index}


# Moves that end or carry on enforcement: once a proceeding runs on the writ, they are the
# proceeding's to make (it cites the article and releases the bailiff), and the writ follows it.
_PROCEEDING_MOVES = frozenset({"start_execution", "complete", "return", "terminate"})


def _check_transition_input(session: Any, register_number: str, body: TransitionIn) -> None:
    if body.department is not None:
        if body.action != "present":
            raise ValidationFailed("a department is named only when a writ is presented", errors=[FieldError(
                "department", "department.only_at_presentation", f"not with {body.action}")])
        if assignment.office_region(session=session, office_id=body.department) is None:
            raise ValidationFailed(f"no department {body.department}", errors=[FieldError(
                "department", "department.known", "the id of a registered department or chamber")])
    if body.action in _PROCEEDING_MOVES:
        running = proceedings.running_on(session=session, register_number=register_number)
        if running is not None:
            raise Conflict(f"proceeding {running} runs on this writ: {body.action} it through "
                           "POST /api/v1/proceedings/transitions, and the writ follows",
                           errors=[FieldError("action", "writ.proceeding_running", running)])


@router.get("/writs/{register_number}/verification", tags=["verification"],
            summary="Public proof that a writ is registered (no personal data)")
async def get_verification(request: Request, register_number: RegisterNumber) -> dict[str, Any]:
    return await in_read_session(
        request, lambda session: service.verification(session=session, register_number=register_number))


@router.get("/writs", tags=["verification"], summary="Find a writ's register number by its document hash")
def find_writ(session: ReadSession,
              document_hash: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")]) -> dict[str, Any]:
    writ = service.find_by_hash(session=session, document_hash=bytes.fromhex(document_hash))
    return {"register_number": writ.register_number, "status": writ.status, "leaf_index": writ.leaf_index}


@router.get("/log/tree-head", tags=["log"], summary="The current signed tree head (RFC 9162 §4.10)")
async def get_tree_head(request: Request, key: ServiceKey) -> dict[str, Any]:
    head = await in_plain_read(request, lambda connection: translog.signed_tree_head(connection, key))
    return head.as_json()


@router.get("/log/public-key", tags=["log"], summary="The service key that signs tree heads (PEM)")
def get_public_key(key: ServiceKey) -> dict[str, Any]:
    return {"key_id": key.key_id, "alg": "Ed25519", "public_key_pem": key.public_pem.decode()}


@router.get("/log/leaves/{index}", tags=["log"], summary="The exact bytes of one leaf")
async def get_leaf(request: Request, index: Annotated[int, Path(ge=0, le=MAX_INDEX)]) -> dict[str, Any]:
    data = await in_plain_read(request, lambda connection: translog.leaf(connection, index))
    return {"leaf_index": index, "leaf_data": b64encode(data)}


@router.get("/log/proofs/inclusion", tags=["log"], summary="RFC 9162 §2.1.3 inclusion proof")
async def get_inclusion(request: Request, leaf_index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
                        tree_size: Annotated[int, Query(ge=1, le=MAX_INDEX)]) -> dict[str, Any]:
    leaf_hash, path = await in_plain_read(
        request, lambda connection: translog.inclusion(connection, leaf_index=leaf_index, tree_size=tree_size))
    return {"leaf_index": leaf_index, "tree_size": tree_size, "leaf_hash": leaf_hash.hex(),
            "audit_path": [h.hex() for h in path]}


@router.get("/log/proofs/consistency", tags=["log"], summary="RFC 9162 §2.1.4 consistency proof")
async def get_consistency(request: Request, first: Annotated[int, Query(ge=1, le=MAX_INDEX)],
                          second: Annotated[int, Query(ge=1, le=MAX_INDEX)]) -> dict[str, Any]:
    proof = await in_plain_read(
        request, lambda connection: translog.consistency(connection, first=first, second=second))
    return {"first": first, "second": second, "proof": [h.hex() for h in proof]}
