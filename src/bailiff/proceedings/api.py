"""JSON routes of proceedings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from bailiff.proceedings import service
from bailiff.web.deps import CurrentActor, ReadSession

router = APIRouter(prefix="/api/v1", tags=["proceedings"])

ProceedingNumber = Annotated[str, Path(min_length=1, max_length=60, description="e.g. 15%2F26%2F77001-ИП")]


@router.get("/proceedings/{number:path}", summary="A proceeding (for the bailiff service)")
def get_proceeding(number: ProceedingNumber, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    return service.view(session=session, number=number, actor=actor)
