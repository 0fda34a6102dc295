"""The reviewers' pages: open identity reviews, the party beside its candidates, decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bailiff.core.errors import BailiffError
from bailiff.identity import duplicates, service
from bailiff.web.deps import get_database
from bailiff.web.session import PageActor
from bailiff.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/identity/reviews", response_class=HTMLResponse)
def reviews_page(request: Request, actor: PageActor) -> HTMLResponse:
    service.require_reviewer(actor)
    with get_database(request).reading() as session:
        tasks = service.open_reviews(session=session, limit=200)
    return render(request, "identity/reviews.html", {"tasks": tasks, "actor": actor})


@router.get("/identity/reviews/{task_id}", response_class=HTMLResponse)
def review_page(task_id: int, request: Request, actor: PageActor, error: str | None = None) -> HTMLResponse:
    service.require_reviewer(actor)
    with get_database(request).reading() as session:
        task = service.review(session=session, task_id=task_id)
    return render(request, "identity/review.html", {"task": task, "actor": actor, "error": error})


@router.post("/identity/reviews/{task_id}", response_class=HTMLResponse)
def decide(task_id: int, request: Request, actor: PageActor, decision: Annotated[str, Form()],
           reason: Annotated[str, Form()], person_id: Annotated[int | None, Form()] = None,
           entity_id: Annotated[int | None, Form()] = None) -> HTMLResponse:
    try:
        with get_database(request).transaction() as session:
            if decision == "confirm" and (person_id is not None or entity_id is not None):
                service.confirm(session=session, task_id=task_id, person_id=person_id, entity_id=entity_id,
                                reason=reason, actor=actor)
            elif decision == "reject":
                service.reject(session=session, task_id=task_id, reason=reason, actor=actor)
            elif decision == "merge" and person_id is not None:
                duplicates.merge_cluster(session=session, task_id=task_id, survivor_id=person_id, reason=reason,
                                         actor=actor)
            elif decision == "distinct":
                duplicates.dismiss_cluster(session=session, task_id=task_id, reason=reason, actor=actor)
            elif decision == "reopen":
                service.reopen(session=session, task_id=task_id, reason=reason, actor=actor)
            else:
                raise ValueError("unknown decision")
    except (BailiffError, ValueError) as exc:
        with get_database(request).reading() as session:
            task = service.review(session=session, task_id=task_id)
        error = exc.explained() if isinstance(exc, BailiffError) else str(exc)
        return render(request, "identity/review.html", {"task": task, "actor": actor, "error": error},
                      status_code=409)
    return RedirectResponse(f"/identity/reviews/{task_id}", status_code=303)  # type: ignore[return-value]
