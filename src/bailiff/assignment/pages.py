"""Staff pages: a bailiff's workbench, a chamber head's page, the commission's queue. Russian first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from bailiff.assignment import changes, fairness, service
from bailiff.assignment.beacons import beacon_store
from bailiff.assignment.models import Bailiff, ChangeApplication, Office
from bailiff.core.clock import local_today
from bailiff.core.errors import BailiffError, Forbidden
from bailiff.proceedings import service as proceedings
from bailiff.web.deps import get_database
from bailiff.web.session import PageActor
from bailiff.web.templating import render

router = APIRouter(include_in_schema=False)
STAFF = frozenset({"bailiff_service", "admin"})


def _today(request: Request, zone: str | None = None) -> date:
    """Today where an office counts its days (its own time zone, else the profile's)."""
    return local_today(zone or request.app.state.profile.timezone)


def _staff(role: str) -> None:
    if role not in STAFF:
        raise Forbidden("this page is for the bailiff service")


@router.get("/workbench/{bailiff_id}", response_class=HTMLResponse)
def workbench(bailiff_id: str, request: Request, actor: PageActor) -> HTMLResponse:
    _staff(actor.role)
    with get_database(request).reading() as session:
        zone = session.scalar(select(Office.timezone).join(Bailiff, Bailiff.office_id == Office.id)
                              .where(Bailiff.id == bailiff_id))
        cases = proceedings.workbench(session=session, bailiff_id=bailiff_id, today=_today(request, zone))
    return render(request, "assignment/workbench.html", {"bailiff_id": bailiff_id, "cases": cases})


@router.get("/offices/{office_id}", response_class=HTMLResponse)
def office_page(office_id: str, request: Request, actor: PageActor, error: str | None = None) -> HTMLResponse:
    _staff(actor.role)
    with get_database(request).reading() as session:
        view = service.office_view(session=session, office_id=office_id)
        report = fairness.report(session=session, office_id=office_id)
    today = _today(request, view["office"].timezone)
    return render(request, "assignment/office.html", {**view, "fairness": report["offices"].get(office_id),
                                                      "alarms": report["alarms"], "error": error,
                                                      "today": today, "week": today + timedelta(days=6)})


@router.post("/offices/{office_id}/suspension", response_class=HTMLResponse)
def suspend(office_id: str, request: Request, actor: PageActor, starts_on: Annotated[date, Form()],
            ends_on: Annotated[date, Form()], reason: Annotated[str, Form()]) -> HTMLResponse:
    _staff(actor.role)
    try:
        with get_database(request).transaction() as session:
            head = service.office_view(session=session, office_id=office_id)["office"].head_bailiff_id
            if head is None:
                raise Forbidden(f"office {office_id} has no head")
            service.file_unavailability(session=session, bailiff_id=head, kind="suspension", starts_on=starts_on,
                                        ends_on=ends_on, reason=reason, actor=actor)
    except BailiffError as exc:
        return office_page(office_id, request, actor, error=exc.explained())
    return RedirectResponse(f"/offices/{office_id}", status_code=303)  # type: ignore[return-value]


@router.get("/commission", response_class=HTMLResponse)
def commission(request: Request, actor: PageActor, error: str | None = None) -> HTMLResponse:
    changes.require_decider(actor)
    with get_database(request).reading() as session:
        pending = list(session.scalars(select(ChangeApplication).where(ChangeApplication.status == "pending")
                                       .order_by(ChangeApplication.filed_at)))
    return render(request, "assignment/commission.html", {"applications": pending, "error": error})


@router.post("/commission/{application_id}", response_class=HTMLResponse)
def decide(application_id: int, request: Request, actor: PageActor, decision: Annotated[str, Form()],
           reason: Annotated[str, Form()]) -> HTMLResponse:
    store = beacon_store(request.app.state.settings)
    try:
        with get_database(request).transaction() as session:
            changes.decide_application(session=session, application_id=application_id, grant=decision == "grant",
                                       reason=reason, actor=actor, store=store,
                                       zone=request.app.state.profile.timezone)
    except BailiffError as exc:
        return commission(request, actor, error=exc.explained())
    return RedirectResponse("/commission", status_code=303)  # type: ignore[return-value]
