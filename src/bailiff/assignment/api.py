"""JSON routes of assignment: the public record of every draw."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from bailiff.assignment import record
from bailiff.web.deps import ReadSession

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
